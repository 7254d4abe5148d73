/**
 * Deterministic, realistic transactions for tests and benchmarks: about 30
 * categories × 5 subcategories, FIXED and VARIABLE, refunds, excluded
 * transfers, rows with and without a member. The same seed always yields the
 * same rows (mulberry32 PRNG), so a failing test or a benchmark can be rerun.
 */

export interface SeedRow {
  externalId: string;
  date: string;
  month: string;
  label: string;
  amount: string;
  category: string;
  subcategory: string;
  expenseType: 'FIXED' | 'VARIABLE';
  member?: string;
  exclude: boolean;
}

export interface GeneratorOptions {
  seed: number;
  /** First budget month, `YYYY-MM`. */
  startMonth: string;
  months: number;
  rowsPerMonth: number;
  members: readonly string[];
  /** Prefix of every externalId, unique per tenant. */
  idPrefix?: string;
}

const FIXED_CATEGORIES = ['Rent', 'Insurance', 'Utilities', 'Subscriptions', 'Loan', 'Phone', 'Internet', 'Childcare'];
const VARIABLE_CATEGORIES = [
  'Groceries',
  'Dining',
  'Transport',
  'Fuel',
  'Health',
  'Pharmacy',
  'Clothing',
  'Home',
  'Garden',
  'Leisure',
  'Sports',
  'Travel',
  'Gifts',
  'Education',
  'Books',
  'Electronics',
  'Pets',
  'Beauty',
  'Charity',
  'Taxes',
  'Fees',
  'Parking',
];
export const SEED_CATEGORIES = [...FIXED_CATEGORIES, ...VARIABLE_CATEGORIES];
const SUBCATEGORIES = ['Main', 'Online', 'Local', 'Occasional', 'Other'];
/** Shop names in labels (accents included) so searches over labels have realistic words to find. */
export const SEED_MERCHANTS = [
  'Café du Marché',
  'Boulangerie Paul',
  'Crème et Chocolat',
  'Müller Drogerie',
  'Señor Taco',
  'Zürich Bahnhof',
  'Carrefour Market',
  'Lidl',
  'Amazon Marketplace',
  'Uber Trip',
  'Shell Station',
  'Pharmacie Centrale',
  'Librairie Gibert',
  'Décathlon',
  'Ikea Home',
  'Netflix',
  'Spotify Premium',
  'SNCF Voyages',
  'Total Énergies',
  'Fnac Darty',
  'Hôtel Lumière',
  'Brasserie Léon',
  'Garage Renault',
  'Vétérinaire Saint Roch',
  'Piscine Municipale',
  'Cinéma Gaumont',
  'Leroy Merlin',
  'Picard Surgelés',
  'Monoprix',
  'La Poste',
  'Orange Mobile',
  'Free Télécom',
  'Allianz Assurance',
  'Crédit Agricole',
  'Station Avia',
  'Marché Bio',
  'Boucherie Dupré',
  'Fromagerie Müller',
  'Pâtisserie Ladurée',
  'Kiosque Journaux',
];

/** mulberry32: tiny, fast, good enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function addMonths(month: string, n: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + n;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

const daysIn = (month: string) => new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();

function cents(value: number): string {
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export function* generateTransactions(options: GeneratorOptions): Generator<SeedRow> {
  const random = prng(options.seed);
  // Labels draw from their own sequence: adding them left every other field of a seed's rows as it was.
  const labelRandom = prng(options.seed ^ 0x5eed1abe);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const prefix = options.idPrefix ?? `seed-${options.seed}`;
  let n = 0;
  for (let m = 0; m < options.months; m++) {
    const month = addMonths(options.startMonth, m);
    const days = daysIn(month);
    for (let i = 0; i < options.rowsPerMonth; i++) {
      const fixed = random() < 0.15;
      const category = fixed ? pick(FIXED_CATEGORIES) : pick(VARIABLE_CATEGORIES);
      // Log-distributed amounts between 1.00 and ~2000.00; fixed costs run higher.
      let amount = Math.max(1, Math.round(Math.exp(random() * (fixed ? 11 : 9)) + 99));
      if (random() < 0.04) amount = -amount; // refund
      const day = 1 + Math.floor(random() * days);
      const member = random() < 0.9 ? pick(options.members) : undefined;
      n += 1;
      yield {
        externalId: `${prefix}-${n}`,
        date: `${month}-${String(day).padStart(2, '0')}`,
        month,
        label: `${SEED_MERCHANTS[Math.floor(labelRandom() * SEED_MERCHANTS.length)] as string} ${category} #${n}`,
        amount: cents(amount),
        category,
        subcategory: pick(SUBCATEGORIES),
        expenseType: fixed ? 'FIXED' : 'VARIABLE',
        ...(member === undefined ? {} : { member }),
        exclude: random() < 0.02,
      };
    }
  }
}
