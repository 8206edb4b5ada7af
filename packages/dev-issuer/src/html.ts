/**
 * HTML escaping for the few pages the development issuer renders itself. Values such as a
 * registered client's name come from whoever registered it (RFC 7591 is open here), so every
 * interpolated value is escaped.
 *
 * @module
 */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes `value` for use in HTML text and double- or single-quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}
