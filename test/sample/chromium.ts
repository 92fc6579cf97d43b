/**
 * How the browser tests start Debian's Chromium as root on a machine without network: no
 * sandbox, no GPU, and none of the background connections the closed network would refuse.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
