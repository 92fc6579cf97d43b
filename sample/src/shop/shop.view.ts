import { html, SafeHtml } from './html';
import { formatPrice, PRODUCTS, findProduct } from './products';

/** Product id → quantity, as kept in the session. */
export type Cart = Record<string, number>;

/** `[category, message]` pairs from `session.getFlashedMessages({ withCategories: true })`. */
export type Flashes = [string, string][];

const STYLE = `
  * { box-sizing: border-box; }
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #222; overflow-wrap: break-word; }
  header { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; border-bottom: 2px solid #2d6a4f; padding-bottom: .5rem; }
  header h1 { margin: 0 auto 0 0; font-size: 1.4rem; color: #2d6a4f; }
  header nav { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; }
  a { color: #2d6a4f; }
  .flash { padding: .5rem .8rem; border-radius: 4px; margin: 1rem 0; }
  .flash.success { background: #d8f3dc; } .flash.info { background: #e7ecf7; } .flash.error { background: #fde2e1; }
  .products { display: grid; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); gap: 1rem; padding: 0; margin: 1rem 0; }
  article { border: 1px solid #ccc; border-radius: 6px; padding: .8rem; }
  article h2 { font-size: 1.05rem; margin: 0; }
  table { width: 100%; border-collapse: collapse; margin-top: 1rem; }
  th, td { text-align: left; padding: .4rem; border-bottom: 1px solid #ddd; }
  td.num, th.num { text-align: right; white-space: nowrap; }
  .user strong { overflow-wrap: anywhere; }
  button { background: #2d6a4f; color: #fff; border: 0; border-radius: 4px; padding: .5rem .9rem; min-height: 2.5rem; font-size: 1rem; white-space: nowrap; cursor: pointer; }
  button.secondary { background: #666; }
  form.inline { display: inline; }
  input { padding: .35rem; font-size: 1rem; max-width: 100%; }
  label { display: inline-flex; flex-wrap: wrap; gap: .25rem .5rem; align-items: center; }
  @media (max-width: 30rem) {
    body { margin: 1rem auto; }
    th, td { padding: .4rem .25rem; }
  }
`;

export interface Page {
  title: string;
  flashes: Flashes;
  user?: string;
  cart?: Cart;
  body: SafeHtml;
  /** The session's CSRF token (`session.csrfToken()`), which every form posts back. */
  csrf: string;
}

/** The hidden field nest-session's CSRF check reads (`csrf: true` in the module). */
export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="csrf_token" value="${token}" />`;
}

export function layout(page: Page): string {
  const count = Object.values(page.cart ?? {}).reduce((sum, quantity) => sum + quantity, 0);
  const nav = page.user
    ? html`<nav>
        <a href="/">Products</a> <a href="/cart">Cart (${count})</a> <a href="/devices">Your devices</a>
        <span class="user">Signed in as <strong>${page.user}</strong></span>
        <form class="inline" method="post" action="/logout">${csrfField(page.csrf)}<button class="secondary">Log out</button></form>
      </nav>`
    : '';
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <!-- Without it a phone lays the page out 980 px wide and shrinks the text. -->
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${page.title} · Teahouse</title>
        <style>
          ${new SafeHtml(STYLE)}
        </style>
      </head>
      <body>
        <header>
          <h1>Teahouse</h1>
          ${nav}
        </header>
        ${page.flashes.map(([category, message]) => html`<p class="flash ${category}" role="status">${message}</p>`)}
        <main>${page.body}</main>
      </body>
    </html>`.value;
}

export function loginPage(flashes: Flashes, csrf: string): string {
  const body = html`<h2>Log in</h2>
    <form method="post" action="/login">
      ${csrfField(csrf)}
      <label>Username <input name="username" required maxlength="40" autofocus /></label>
      <button>Log in</button>
    </form>`;
  return layout({ title: 'Log in', flashes, body, csrf });
}

export function productsPage(user: string, cart: Cart, flashes: Flashes, csrf: string): string {
  const body = html`<section class="products">
    ${PRODUCTS.map(
      (product) =>
        html`<article>
          <h2>${product.name}</h2>
          <p>${product.description}</p>
          <p><strong>${formatPrice(product.price)}</strong></p>
          <form method="post" action="/cart/add">${csrfField(csrf)}<input type="hidden" name="productId" value="${product.id}" /> <button>Add to cart</button></form>
        </article>`,
    )}
  </section>`;
  return layout({ title: 'Products', flashes, user, cart, body, csrf });
}

export function cartPage(user: string, cart: Cart, flashes: Flashes, csrf: string): string {
  const lines = Object.entries(cart).flatMap(([id, quantity]) => {
    const product = findProduct(id);
    return product ? [{ product, quantity }] : [];
  });
  const total = lines.reduce((sum, line) => sum + line.product.price * line.quantity, 0);
  const body =
    lines.length === 0
      ? html`<h2>Your cart</h2>
          <p class="empty">Your cart is empty. <a href="/">Browse the products</a>.</p>`
      : html`<h2>Your cart</h2>
          <table class="cart">
            <thead>
              <tr>
                <th>Product</th>
                <th class="num">Quantity</th>
                <th class="num">Price</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              ${lines.map(
                ({ product, quantity }) =>
                  html`<tr>
                    <th>${product.name}</th>
                    <td class="num quantity">${quantity}</td>
                    <td class="num">${formatPrice(product.price * quantity)}</td>
                    <td class="num">
                      <form method="post" action="/cart/remove">
                        ${csrfField(csrf)}<input type="hidden" name="productId" value="${product.id}" /> <button class="secondary">Remove</button>
                      </form>
                    </td>
                  </tr>`,
              )}
            </tbody>
            <tfoot>
              <tr>
                <th>Total</th>
                <td></td>
                <td class="num total">${formatPrice(total)}</td>
                <td></td>
              </tr>
            </tfoot>
          </table>`;
  return layout({ title: 'Cart', flashes, user, cart, body, csrf });
}
