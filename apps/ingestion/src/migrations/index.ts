import { CreateTransactions1763800000000 } from './1763800000000-create-transactions';
import { ReadViewsForAggregation1764000000000 } from './1764000000000-read-views-for-aggregation';

export const migrations = [CreateTransactions1763800000000, ReadViewsForAggregation1764000000000];
