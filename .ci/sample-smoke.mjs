#!/usr/bin/env node
// What a newcomer does once `npm start` prints its URL: log in, add two things to the cart, and
// see the login and the cart hold across requests. Plain HTTP with a cookie jar of one cookie;
// every hidden field of a form (a CSRF token, the product id) is posted back as a browser would.
//
//   node .ci/sample-smoke.mjs http://127.0.0.1:PORT
//
// Prints what it checked and exits 1 on the first thing that does not hold.
const base = process.argv[2];
if (!base) {
  console.error('usage: sample-smoke.mjs BASE_URL');
  process.exit(2);
}

let cookie = '';

async function request(method, path, form) {
  const headers = cookie ? { cookie } : {};
  let body;
  if (form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
  }
  const response = await fetch(new URL(path, base), { method, headers, body, redirect: 'manual' });
  const set = response.headers.getSetCookie().find((line) => line.startsWith('session='));
  if (set) cookie = set.split(';')[0];
  return { status: response.status, location: response.headers.get('location'), text: await response.text() };
}

/** The hidden fields of the form that posts to `action`, as name → value. */
function hiddenFields(page, action) {
  const form = [...page.matchAll(/<form\b[^>]*>[\s\S]*?<\/form>/g)].map((m) => m[0]).find((f) => f.includes(`action="${action}"`));
  if (!form) throw new Error(`no form posts to ${action}`);
  const fields = {};
  for (const [input] of form.matchAll(/<input\b[^>]*>/g)) {
    if (!/type="hidden"/.test(input)) continue;
    fields[/name="([^"]*)"/.exec(input)[1]] = /value="([^"]*)"/.exec(input)?.[1] ?? '';
  }
  return fields;
}

function check(ok, what) {
  if (!ok) {
    console.error(`sample smoke: FAILED: ${what}`);
    process.exit(1);
  }
  console.log(`sample smoke: ok: ${what}`);
}

const login = await request('GET', '/login');
check(login.status === 200 && login.text.includes('Log in'), 'GET /login shows the login form');
const loggedIn = await request('POST', '/login', { ...hiddenFields(login.text, '/login'), username: 'newcomer' });
check(loggedIn.status === 303 && cookie !== '', 'POST /login redirects and sets the session cookie');

for (const productId of ['teapot', 'mug']) {
  const shop = await request('GET', '/');
  check(shop.text.includes('Signed in as <strong>newcomer</strong>'), `the login holds on GET / (before adding ${productId})`);
  const form = /<form\b[^>]*action="\/cart\/add"[^>]*>[\s\S]*?<\/form>/g;
  const addForm = [...shop.text.matchAll(form)].map((m) => m[0]).find((f) => f.includes(`value="${productId}"`));
  check(addForm !== undefined, `GET / has an add-to-cart form for ${productId}`);
  const fields = {};
  for (const [input] of addForm.matchAll(/<input\b[^>]*>/g)) fields[/name="([^"]*)"/.exec(input)[1]] = /value="([^"]*)"/.exec(input)?.[1] ?? '';
  const added = await request('POST', '/cart/add', fields);
  check(added.status === 303, `POST /cart/add ${productId} redirects`);
}

const cart = await request('GET', '/cart');
check(cart.status === 200 && cart.text.includes('Cast-iron teapot') && cart.text.includes('Stoneware mug'), 'GET /cart lists both products');
check(cart.text.includes('Cart (2)'), 'the header counts 2 items');
