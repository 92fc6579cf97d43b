import type { JsonValue, StoredData } from '../contract/json-value';
import { DEVICE_KEY } from '../contract/session-keys';
import type { ResolvedDevicesOptions } from '../interfaces/devices-options.interface';
import * as http from '../utils/http';

const MAX_ADDRESS = 64;

/** The opt-in details of the request that logs in, or `undefined` when none is recorded. */
export function deviceDetails(request: http.PlatformRequest, options: ResolvedDevicesOptions): JsonValue | undefined {
  const details: Record<string, string> = {};
  if (options.userAgent) {
    const agent = http.rawRequest(request).headers['user-agent'];
    const text = typeof agent === 'string' ? printable(agent, options.maxLength) : '';
    if (text) details.ua = text;
  }
  if (options.address) {
    const ip: unknown = request.ip ?? http.rawRequest(request).socket?.remoteAddress;
    const text = typeof ip === 'string' ? printable(ip, MAX_ADDRESS) : '';
    if (text) details.ip = text;
  }
  return Object.keys(details).length ? details : undefined;
}

/** The details a stored session holds, checked again on the way out (the store is not trusted to shape them). */
export function readDeviceDetails(data: StoredData): { userAgent?: string; address?: string } {
  const value = data[DEVICE_KEY];
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  const out: { userAgent?: string; address?: string } = {};
  if (typeof value.ua === 'string') out.userAgent = printable(value.ua, 1024);
  if (typeof value.ip === 'string') out.address = printable(value.ip, MAX_ADDRESS);
  return out;
}

/** Client-supplied text made safe to keep and show: no control characters, bounded length. */
function printable(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  return text.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, max);
}
