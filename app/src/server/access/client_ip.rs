//! The visitor's address, which sign-in limits, the audit log and e-signatures record. It is the
//! connection's peer, unless the peer is one of the `TRUSTED_PROXIES`: then the nearest address
//! in `X-Forwarded-For` that is not a trusted proxy. A header from anyone else is ignored, so a
//! visitor cannot choose their own address, and behind a proxy each visitor keeps their own
//! (otherwise everyone would share the proxy's, and one person's bad passwords would lock out all).

use std::net::IpAddr;

use axum::http::HeaderMap;

/// One trusted network: an address and how many leading bits must match.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Network {
    addr: IpAddr,
    prefix: u8,
}

impl Network {
    fn parse(text: &str) -> Result<Network, String> {
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let addr: IpAddr = addr
            .trim()
            .parse()
            .map_err(|_| format!("{text:?} is not an IP address or network"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{text:?} has a bad prefix length"))?,
        };
        Ok(Network { addr, prefix })
    }

    fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// An IPv4 address written as IPv6 (`::ffff:10.0.0.1`) is that IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

/// The proxies whose `X-Forwarded-For` is believed (`TRUSTED_PROXIES`, comma-separated
/// addresses or networks such as `10.0.0.0/8`). Empty by default: no header is believed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Network>);

impl TrustedProxies {
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(Network::parse)
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|n| n.contains(ip))
    }

    /// The visitor's address for a connection from `peer` with these `headers`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        // Each proxy appends the address it received from; read from the nearest back.
        let forwarded: Vec<IpAddr> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|s| s.trim().parse::<IpAddr>().map(canonical))
            .collect::<Result<_, _>>()
            // A header that does not parse is not believed at all.
            .unwrap_or_default();
        let mut client = peer;
        for ip in forwarded.into_iter().rev() {
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(ip("203.0.113.9"), &headers(&["1.2.3.4"])),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_nearest_untrusted_address_is_the_visitor() {
        let trusted = TrustedProxies::parse("10.0.0.0/8, 192.168.1.5").unwrap();
        // A visitor who sends their own header cannot pick their address: the proxy appends.
        let h = headers(&["6.6.6.6, 198.51.100.7", "10.1.2.3"]);
        assert_eq!(trusted.client(ip("192.168.1.5"), &h), ip("198.51.100.7"));
        // Straight from a trusted proxy with no header: the proxy itself.
        assert_eq!(
            trusted.client(ip("10.0.0.1"), &HeaderMap::new()),
            ip("10.0.0.1")
        );
        // Not from a trusted proxy: the header is not believed.
        assert_eq!(trusted.client(ip("8.8.8.8"), &h), ip("8.8.8.8"));
        // A mangled header is not believed either.
        assert_eq!(
            trusted.client(ip("10.0.0.1"), &headers(&["nonsense"])),
            ip("10.0.0.1")
        );
        // IPv4 written as IPv6 is matched as IPv4.
        assert_eq!(
            trusted.client(ip("::ffff:10.0.0.1"), &headers(&["198.51.100.7"])),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn bad_lists_are_refused_clearly() {
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.local").is_err());
        assert_eq!(
            TrustedProxies::parse(" ").unwrap(),
            TrustedProxies::default()
        );
        let v6 = TrustedProxies::parse("fd00::/8").unwrap();
        assert!(v6.trusts(ip("fd12::1")));
        assert!(!v6.trusts(ip("fe80::1")));
    }
}
