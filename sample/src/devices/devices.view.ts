import type { SessionDevice } from 'nest-session';
import { html } from '../shop/html';
import { csrfField, layout, type Flashes } from '../shop/shop.view';

const WHEN = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/**
 * "Your devices": one row per session of the user. Each row carries the session's handle (an
 * HMAC the server can match, never the session id), so the page leaks no login even if it is
 * cached, shared or read by a script.
 */
export function devicesPage(user: string, devices: SessionDevice[], flashes: Flashes, csrf: string): string {
  const others = devices.filter((device) => !device.current).length;
  const body = html`<h2>Your devices</h2>
    <p>Where you are signed in. Log out any device you do not recognise.</p>
    <table class="devices">
      <thead>
        <tr>
          <th>Device</th>
          <th>Signed in</th>
          <th>Last seen</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        ${devices.map(
          (device) =>
            html`<tr class="${device.current ? 'device current' : 'device'}">
              <th>${device.userAgent ?? 'Unknown browser'} ${device.address ? html`<small>(${device.address})</small>` : ''}</th>
              <td>${WHEN.format(device.createdAt)} UTC</td>
              <td>${WHEN.format(device.lastSeenAt)} UTC</td>
              <td class="num">
                ${
                  device.current
                    ? html`<strong class="this-device">This device</strong>`
                    : html`<form method="post" action="/devices/revoke">
                        ${csrfField(csrf)} <input type="hidden" name="handle" value="${device.handle}" /> <button class="secondary">Log out</button>
                      </form>`
                }
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${others > 0 ? html`<form method="post" action="/devices/revoke-others">${csrfField(csrf)}<button>Log out all other devices</button></form>` : ''}`;
  return layout({ title: 'Your devices', flashes, user, body, csrf });
}
