/**
 * An address shown on screen without giving it away: the first and last characters of the local
 * part and the whole domain (`john.rigby@nhs.net` → `j****y@nhs.net`).
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  const local = at < 0 ? email : email.slice(0, at);
  const domain = at < 0 ? '' : email.slice(at);
  const first = local.slice(0, 1);
  const last = local.length > 2 ? local.slice(-1) : '';
  return `${first}****${last}${domain}`;
}
