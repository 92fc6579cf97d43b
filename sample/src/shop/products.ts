/** The catalogue: fixed, so the sample needs no database beyond the sessions. */
export interface Product {
  id: string;
  name: string;
  description: string;
  /** Price in cents, so totals add up exactly. */
  price: number;
}

export const PRODUCTS: readonly Product[] = [
  { id: 'teapot', name: 'Cast-iron teapot', description: 'Keeps a pot of tea warm for an hour.', price: 3400 },
  { id: 'mug', name: 'Stoneware mug', description: 'Hand-glazed, 350 ml.', price: 1250 },
  { id: 'sencha', name: 'Sencha green tea', description: 'Loose leaf, 100 g tin.', price: 890 },
  { id: 'honey', name: 'Wildflower honey', description: 'Raw, from a local beekeeper, 250 g.', price: 640 },
];

export function findProduct(id: unknown): Product | undefined {
  return PRODUCTS.find((product) => product.id === id);
}

const euros = new Intl.NumberFormat('en-IE', { style: 'currency', currency: 'EUR' });

export function formatPrice(cents: number): string {
  return euros.format(cents / 100);
}
