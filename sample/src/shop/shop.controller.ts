import { Body, Controller, Get, Header, Post, Redirect, UseFilters } from '@nestjs/common';
import { Session } from 'nest-session';
import { LoginRequired, LoginRequiredFilter } from './login-required.filter';
import { findProduct } from './products';
import { Cart, cartPage, loginPage, productsPage } from './shop.view';

/** What the shop keeps in the session. */
type ShopSession = Session<{ user: string; cart: Cart }>;

/**
 * A form body from the urlencoded parser. Fields are usually strings, but a client can send
 * anything, and Express 5 leaves the body undefined when no parser matched (hence `= {}`).
 */
type Form = Record<string, unknown>;

// POST handlers answer 303 See Other, so a reload after a redirect never re-submits the form.
@Controller()
@UseFilters(LoginRequiredFilter)
export class ShopController {
  @Get('login')
  @Header('Content-Type', 'text/html; charset=utf-8')
  loginForm(@Session() session: ShopSession): string {
    return loginPage(session.getFlashedMessages({ withCategories: true }), session.csrfToken());
  }

  @Post('login')
  @Redirect('/', 303)
  async login(@Session() session: ShopSession, @Body() form: Form = {}): Promise<{ url: string } | undefined> {
    const username = typeof form.username === 'string' ? form.username.trim() : '';
    if (username.length === 0 || username.length > 40) {
      session.flash('Please enter a username of 1 to 40 characters.', 'error');
      return { url: '/login' };
    }
    // Nothing of a previous user on this browser carries over (their cart, say), and the session
    // gets a new id, so an id planted before login (session fixation) is worth nothing after it.
    session.clear();
    await session.regenerate();
    session.set('user', username);
    session.flash(`Welcome, ${username}!`, 'success');
  }

  @Post('logout')
  @Redirect('/login', 303)
  async logout(@Session() session: ShopSession): Promise<void> {
    await session.destroy();
    // The flash goes into a brand-new session; once the login page has shown it, that session is
    // empty again and its cookie is deleted.
    session.flash('You have been logged out.', 'info');
  }

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  products(@Session() session: ShopSession): string {
    const user = requireUser(session);
    return productsPage(user, session.get('cart', {}), session.getFlashedMessages({ withCategories: true }), session.csrfToken());
  }

  @Get('cart')
  @Header('Content-Type', 'text/html; charset=utf-8')
  cart(@Session() session: ShopSession): string {
    const user = requireUser(session);
    return cartPage(user, session.get('cart', {}), session.getFlashedMessages({ withCategories: true }), session.csrfToken());
  }

  @Post('cart/add')
  @Redirect('/', 303)
  add(@Session() session: ShopSession, @Body() form: Form = {}): void {
    requireUser(session);
    const product = findProduct(form.productId);
    if (!product) {
      session.flash('That product does not exist.', 'error');
      return;
    }
    const cart = session.get('cart', {});
    session.set('cart', { ...cart, [product.id]: (cart[product.id] ?? 0) + 1 });
    session.flash(`Added ${product.name} to your cart.`, 'success');
  }

  @Post('cart/remove')
  @Redirect('/cart', 303)
  remove(@Session() session: ShopSession, @Body() form: Form = {}): void {
    requireUser(session);
    const product = findProduct(form.productId);
    const cart = { ...session.get('cart', {}) };
    if (!product || !Object.hasOwn(cart, product.id)) {
      session.flash('That item is not in your cart.', 'error');
      return;
    }
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- the cart is a record keyed by product id
    delete cart[product.id];
    session.set('cart', cart);
    session.flash(`Removed ${product.name} from your cart.`, 'info');
  }
}

function requireUser(session: ShopSession): string {
  const user = session.get('user');
  if (user === undefined) throw new LoginRequired();
  return user;
}
