/** True for `host:port` or `[IPv6 address]:port` (`localhost:7233`, `0.0.0.0:9464`, `[::1]:7233`). */
export function isHostPort(text: string): boolean {
  return /^[^\s/:[\]]+:\d{1,5}$/.test(text) || /^\[[0-9a-fA-F:.]+\]:\d{1,5}$/.test(text);
}
