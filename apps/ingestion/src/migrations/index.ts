import { CreateTransactions1763800000000 } from './1763800000000-create-transactions';

export const migrations = [CreateTransactions1763800000000];
