/**
 * An HTTP client for the service desk console that keeps cookies per origin, as a browser does
 * (enough for the console and the local OpenID provider), and signs in through the provider's page.
 */

/** A response as the tests read it. */
export interface ClientResponse {
  readonly status: number;
  readonly url: string;
  readonly location: string | undefined;
  readonly body: string;
  /** The raw Set-Cookie headers, to check their attributes. */
  readonly setCookies: readonly string[];
}

/** The console page's CSRF token (the hidden `_csrf` field), or undefined. */
export function csrfTokenIn(body: string): string | undefined {
  return /name="_csrf"\s+value="([^"]+)"/.exec(body)?.[1];
}

/** A cookie jar and fetch without redirects, so each hop can be seen. */
export class ConsoleClient {
  private readonly jar = new Map<string, Map<string, string>>();

  /** The cookies held for an origin, by name. */
  cookies(origin: string): ReadonlyMap<string, string> {
    return this.jar.get(origin) ?? new Map();
  }

  /** Sets a cookie by hand (a test planting or replaying one). */
  setCookie(origin: string, name: string, value: string): void {
    const cookies = this.jar.get(origin) ?? new Map<string, string>();
    cookies.set(name, value);
    this.jar.set(origin, cookies);
  }

  /** One request, cookies sent and kept; never follows a redirect. */
  async request(
    url: string,
    init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<ClientResponse> {
    const target = new URL(url);
    const cookies = [...this.cookies(target.origin)].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(target, {
      method: init.method ?? (init.form === undefined ? 'GET' : 'POST'),
      redirect: 'manual',
      headers: {
        ...(cookies === '' ? {} : { cookie: cookies }),
        ...(init.form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
        ...init.headers,
      },
      ...(init.form === undefined ? {} : { body: new URLSearchParams(init.form).toString() }),
    });
    const setCookies = res.headers.getSetCookie();
    for (const header of setCookies) {
      const [pair = '', ...attributes] = header.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const gone = attributes.some((a) => /^\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(a));
      const jar = this.jar.get(target.origin) ?? new Map<string, string>();
      if (gone || value === '') jar.delete(name);
      else jar.set(name, value);
      this.jar.set(target.origin, jar);
    }
    const location = res.headers.get('location') ?? undefined;
    return {
      status: res.status,
      url: target.href,
      location: location === undefined ? undefined : new URL(location, target).href,
      body: await res.text(),
      setCookies,
    };
  }

  /** Follows redirects from a request until a page answers. */
  async follow(url: string, init: Parameters<ConsoleClient['request']>[1] = {}) {
    let res = await this.request(url, init);
    for (let hops = 0; res.location !== undefined && hops < 10; hops += 1) {
      res = await this.request(res.location);
    }
    return res;
  }

  /**
   * Signs in from a console page as a demo account: to the provider's page, its form, and back to
   * the console's page that goes on to `path`. Returns the page reached.
   */
  async signIn(consoleUrl: string, username: string, path = '/console/'): Promise<ClientResponse> {
    const form = await this.follow(`${consoleUrl}${path}`);
    const action = /<form method="post" action="([^"]+)"/.exec(form.body)?.[1];
    if (action === undefined) throw new Error(`no sign-in form at ${form.url}: ${form.body}`);
    const back = await this.follow(new URL(action, form.url).href, { form: { username } });
    const refresh = /http-equiv="refresh" content="0;url=([^"]+)"/.exec(back.body)?.[1];
    if (refresh === undefined) return back;
    return this.follow(new URL(refresh.replaceAll('&amp;', '&'), back.url).href);
  }
}
