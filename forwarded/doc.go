// Package forwarded believes what trusted reverse proxies say about a
// request's client, and what nobody else says: the client's address, from
// X-Forwarded-For, and the scheme it used, from X-Forwarded-Proto.
//
// # Trust
//
// A request comes from a trusted proxy when its connection's address
// (r.RemoteAddr) lies in one of the networks of a [Proxies]. The
// forwarding headers of every other client are ignored, whatever they
// say: anyone can send them. The zero Proxies trusts nobody.
//
// # Address
//
// [Proxies.ClientIP] is the connection's address, or, behind a trusted
// proxy, the nearest X-Forwarded-For hop that is not itself a trusted
// proxy; the hops beyond it were written by the client and prove
// nothing. The session Manager (sessiond.Config.TrustedProxies) takes a
// client's address from it.
//
// # Scheme
//
// [Proxies.Handler] records, for a request from a trusted proxy, the
// scheme its X-Forwarded-Proto names; [HTTPS] and [Proto] read it. The
// header counts only when it holds one value, "https" or "http" (in any
// case): a list, as proxies that append to it write, names the schemes of
// several hops, not plainly the client's. The proxy must set the header
// itself, replacing any value the client sent. Without a recorded scheme,
// HTTPS is whether the connection is TLS.
//
// The cross-origin check of package csrf and
// secheaders.RedirectHTTPS ask HTTPS, so that behind a proxy that
// terminates TLS the site still refuses an http:// Origin and redirects
// plain HTTP. Put the Handler outermost, so that every layer sees the
// scheme.
package forwarded
