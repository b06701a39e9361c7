// A keep-alive HTTP client for one mes-api instance, as a dashboard would use it.
export function client(baseUrl, token) {
  const headers = { authorization: `Bearer ${token}` };
  return {
    async get(path) {
      const res = await fetch(`${baseUrl}${path}`, { headers });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${text}`);
      return JSON.parse(text);
    },
    async post(path, body = {}) {
      const res = await fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`POST ${path}: ${res.status} ${text}`);
      return JSON.parse(text);
    },
  };
}
