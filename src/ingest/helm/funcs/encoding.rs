// ---------------------------------------------------------------------------------------
// Sprig: encodings, hashes, and deterministic stand-ins for random and cryptographic output
// ---------------------------------------------------------------------------------------

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use base64::Engine as _;
use sha1::Digest as _;

use super::builtins::fmt_v;
use super::math::dispatch_math;
use super::{MAX_STRING, R, arity, arity_between, bytes_to_string, int_arg, str_arg, string};
use crate::ingest::helm::value::{V, Value};

/// Go's `base64.StdEncoding`: padding required, trailing bits ignored.
fn b64_engine() -> &'static base64::engine::GeneralPurpose {
    static ENGINE: OnceLock<base64::engine::GeneralPurpose> = OnceLock::new();
    ENGINE.get_or_init(|| {
        base64::engine::GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            base64::engine::GeneralPurposeConfig::new()
                .with_encode_padding(true)
                .with_decode_allow_trailing_bits(true)
                .with_decode_padding_mode(base64::engine::DecodePaddingMode::RequireCanonical),
        )
    })
}

fn b64enc(b: &[u8]) -> String {
    b64_engine().encode(b)
}

/// Decodes like Go (newlines ignored); the error is Go's text.
fn b64dec(s: &str) -> Result<Vec<u8>, String> {
    let clean: Vec<u8> = s.bytes().filter(|&b| b != b'\r' && b != b'\n').collect();
    b64_engine().decode(&clean).map_err(|e| {
        use base64::DecodeError::*;
        let at = match e {
            InvalidByte(at, _) | InvalidLastSymbol { offset: at, .. } => at,
            InvalidLength(len) => len,
            InvalidPadding => clean.len(),
        };
        format!("illegal base64 data at input byte {at}")
    })
}

const B32_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn b32enc(b: &[u8]) -> String {
    let mut out = String::with_capacity(b.len().div_ceil(5) * 8);
    for chunk in b.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let bits = buf.iter().fold(0u64, |acc, &x| acc << 8 | u64::from(x));
        let chars = match chunk.len() {
            1 => 2,
            2 => 4,
            3 => 5,
            4 => 7,
            _ => 8,
        };
        for k in 0..8 {
            if k < chars {
                out.push(B32_ALPHABET[((bits >> (35 - 5 * k)) & 31) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn b32dec(s: &str) -> Result<Vec<u8>, String> {
    let clean: Vec<u8> = s.bytes().filter(|&b| b != b'\r' && b != b'\n').collect();
    let err = |at: usize| format!("illegal base32 data at input byte {at}");
    if !clean.len().is_multiple_of(8) {
        return Err(err(clean.len() / 8 * 8));
    }
    let mut out = Vec::with_capacity(clean.len() / 8 * 5);
    let chunks = clean.len() / 8;
    for (ci, chunk) in clean.chunks(8).enumerate() {
        let data = chunk.iter().position(|&c| c == b'=').unwrap_or(8);
        if data < 8 && (ci + 1 != chunks || chunk[data..].iter().any(|&c| c != b'=')) {
            return Err(err(ci * 8 + data));
        }
        let n = match data {
            2 => 1,
            4 => 2,
            5 => 3,
            7 => 4,
            8 => 5,
            _ => return Err(err(ci * 8 + data)),
        };
        let mut bits = 0u64;
        for (k, &c) in chunk.iter().enumerate() {
            let v = if k < data {
                B32_ALPHABET
                    .iter()
                    .position(|&x| x == c)
                    .ok_or_else(|| err(ci * 8 + k))? as u64
            } else {
                0
            };
            bits = bits << 5 | v;
        }
        for k in 0..n {
            out.push((bits >> (32 - 8 * k)) as u8);
        }
    }
    Ok(out)
}

fn hex(b: &[u8]) -> String {
    b.iter()
        .fold(String::with_capacity(b.len() * 2), |mut s, x| {
            let _ = write!(s, "{x:02x}");
            s
        })
}

fn sha256(b: &[u8]) -> [u8; 32] {
    sha2::Sha256::digest(b).into()
}

fn adler32(b: &[u8]) -> u32 {
    let (mut a, mut s) = (1u32, 0u32);
    for chunk in b.chunks(5552) {
        for &x in chunk {
            a += u32::from(x);
            s += a;
        }
        a %= 65521;
        s %= 65521;
    }
    s << 16 | a
}

/// Characters from `alphabet` chosen by a hash of `seed` (deterministic placeholders).
fn placeholder_chars(seed: &str, alphabet: &[u8], n: usize) -> String {
    let mut out = String::with_capacity(n);
    let mut block = sha256(seed.as_bytes());
    let mut k = 0;
    while out.len() < n {
        if k == block.len() {
            block = sha256(&block);
            k = 0;
        }
        out.push(alphabet[usize::from(block[k]) % alphabet.len()] as char);
        k += 1;
    }
    out
}

/// A bcrypt-shaped placeholder hash (`$2a$10$` and 53 characters).
fn bcrypt_placeholder(password: &str) -> String {
    const BCRYPT64: &[u8] = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    format!(
        "$2a$10${}",
        placeholder_chars(&format!("bcrypt:{password}"), BCRYPT64, 53)
    )
}

/// A PEM block whose body is a deterministic placeholder.
fn pem_placeholder(kind: &str, seed: &str) -> String {
    let body = b64enc(
        &(0..6)
            .flat_map(|k| sha256(format!("{kind}:{seed}:{k}").as_bytes()))
            .collect::<Vec<u8>>(),
    );
    let mut out = format!("-----BEGIN {kind}-----\n");
    for line in body.as_bytes().chunks(64) {
        out.push_str(&bytes_to_string(line));
        out.push('\n');
    }
    let _ = writeln!(out, "-----END {kind}-----");
    out
}

fn certificate(cert_seed: &str, key: Option<&str>) -> Value {
    let key = key.map_or_else(
        || pem_placeholder("RSA PRIVATE KEY", cert_seed),
        str::to_string,
    );
    let mut m = BTreeMap::new();
    m.insert(
        "Cert".to_string(),
        Value::from(pem_placeholder("CERTIFICATE", cert_seed)),
    );
    m.insert("Key".to_string(), Value::from(key));
    m.into()
}

/// A `[]interface{}` parameter of IP addresses or DNS names.
fn cert_names(v: &Value, ips: bool) -> Result<Vec<String>, String> {
    let items = match &v.v {
        V::Nil => Vec::new(),
        V::List(l) => l.as_ref().clone(),
        _ => {
            return Err(format!(
                "wrong type for value; expected []interface {{}}; got {}",
                v.type_name()
            ));
        }
    };
    items
        .iter()
        .map(|i| {
            let what = if ips { "ip" } else { "dns" };
            let s = i.as_str().ok_or_else(|| {
                format!("error processing {what} list: {} is not a string", fmt_v(i))
            })?;
            if ips && s.parse::<std::net::IpAddr>().is_err() {
                return Err(format!("error parsing ip: {s}"));
            }
            Ok(s.to_string())
        })
        .collect()
}

/// The `certificate` struct Sprig's `genSignedCert` takes (a dict with `Cert` and `Key`).
fn ca_arg(v: &Value) -> Result<(), String> {
    let ok = v.map_get("Cert").is_some_and(|c| c.as_str().is_some())
        && v.map_get("Key").is_some_and(|k| k.as_str().is_some());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "wrong type for value; expected sprig.certificate; got {}",
            v.type_name()
        ))
    }
}

fn aes_keystream(password: &str, n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n);
    let mut k = 0u64;
    while out.len() < n {
        out.extend_from_slice(&sha256(format!("aes:{password}:{k}").as_bytes()));
        k += 1;
    }
    out.truncate(n);
    out
}

pub(super) fn dispatch_encoding(name: &str, a: &[Value]) -> Option<R> {
    let s1 = |f: &dyn Fn(&str) -> Result<String, String>| -> R {
        arity(name, a, 1)?;
        string(f(str_arg(&a[0])?)?)
    };
    Some(match name {
        "b64enc" => s1(&|s| Ok(b64enc(s.as_bytes()))),
        "b64dec" => s1(&|s| Ok(b64dec(s).map_or_else(|e| e, |b| bytes_to_string(&b)))),
        "b32enc" => s1(&|s| Ok(b32enc(s.as_bytes()))),
        "b32dec" => s1(&|s| Ok(b32dec(s).map_or_else(|e| e, |b| bytes_to_string(&b)))),
        "sha1sum" => s1(&|s| Ok(hex(&sha1::Sha1::digest(s.as_bytes())))),
        "sha256sum" => s1(&|s| Ok(hex(&sha256(s.as_bytes())))),
        "sha512sum" => s1(&|s| Ok(hex(&sha2::Sha512::digest(s.as_bytes())))),
        "adler32sum" => s1(&|s| Ok(adler32(s.as_bytes()).to_string())),
        "uuidv4" => arity(name, a, 0).map(|_| Value::from("00000000-0000-4000-8000-000000000000")),
        "bcrypt" => s1(&|s| Ok(bcrypt_placeholder(s))),
        "htpasswd" => (|| {
            arity_between(name, a, 2, 3)?;
            let (user, pass) = (str_arg(&a[0])?, str_arg(&a[1])?);
            let algo = a.get(2).map(str_arg).transpose()?.unwrap_or("bcrypt");
            Ok(Value::from(if user.contains(':') {
                format!("invalid username: {user}")
            } else if algo == "sha" {
                format!(
                    "{user}:{{SHA}}{}",
                    b64enc(&sha1::Sha1::digest(pass.as_bytes()))
                )
            } else {
                format!("{user}:{}", bcrypt_placeholder(pass))
            }))
        })(),
        "derivePassword" => (|| {
            arity(name, a, 5)?;
            let counter = int_arg(&a[0])?;
            let (kind, pass, user, site) = (
                str_arg(&a[1])?,
                str_arg(&a[2])?,
                str_arg(&a[3])?,
                str_arg(&a[4])?,
            );
            let templates: &[&str] = match kind {
                "maximum" => &["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
                "long" => &[
                    "CvcvnoCvcvCvcv",
                    "CvcvCvcvnoCvcv",
                    "CvcvCvcvCvcvno",
                    "CvccnoCvcvCvcv",
                ],
                "medium" => &["CvcnoCvc", "CvcCvcno"],
                "short" => &["Cvcn"],
                "basic" => &["aaanaaan", "aannaaan", "aaannaaa"],
                "pin" => &["nnnn"],
                _ => return Ok(Value::from(format!("cannot find password template {kind}"))),
            };
            let seed = sha256(format!("{counter}:{kind}:{pass}:{user}:{site}").as_bytes());
            let template = templates[usize::from(seed[0]) % templates.len()];
            let out: String = template
                .bytes()
                .enumerate()
                .map(|(k, t)| {
                    let chars: &[u8] = match t {
                        b'V' => b"AEIOU",
                        b'C' => b"BCDFGHJKLMNPQRSTVWXYZ",
                        b'v' => b"aeiou",
                        b'c' => b"bcdfghjklmnpqrstvwxyz",
                        b'A' => b"AEIOUBCDFGHJKLMNPQRSTVWXYZ",
                        b'a' => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
                        b'n' => b"0123456789",
                        b'o' => b"@&%?,=[]_:-+*$#!'^~;()/.",
                        _ => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
                    };
                    chars[usize::from(seed[(k + 1) % seed.len()]) % chars.len()] as char
                })
                .collect();
            Ok(Value::from(out))
        })(),
        "genPrivateKey" => s1(&|t| {
            Ok(match t {
                "" | "rsa" => pem_placeholder("RSA PRIVATE KEY", "genPrivateKey"),
                "dsa" => pem_placeholder("DSA PRIVATE KEY", "genPrivateKey"),
                "ecdsa" => pem_placeholder("EC PRIVATE KEY", "genPrivateKey"),
                "ed25519" => pem_placeholder("PRIVATE KEY", "genPrivateKey"),
                _ => format!("Unknown type {t}"),
            })
        }),
        "buildCustomCert" => (|| {
            arity(name, a, 2)?;
            let cert = b64dec(str_arg(&a[0])?)
                .map_err(|_| "unable to decode base64 certificate".to_string())?;
            let key = b64dec(str_arg(&a[1])?)
                .map_err(|_| "unable to decode base64 private key".to_string())?;
            let mut m = BTreeMap::new();
            m.insert("Cert".to_string(), Value::from(bytes_to_string(&cert)));
            m.insert("Key".to_string(), Value::from(bytes_to_string(&key)));
            Ok(m.into())
        })(),
        "genCA" | "genCAWithKey" => (|| {
            let with_key = name == "genCAWithKey";
            arity(name, a, if with_key { 3 } else { 2 })?;
            let cn = str_arg(&a[0])?;
            int_arg(&a[1])?;
            let key = if with_key {
                Some(str_arg(&a[2])?)
            } else {
                None
            };
            Ok(certificate(&format!("ca:{cn}"), key))
        })(),
        "genSelfSignedCert"
        | "genSelfSignedCertWithKey"
        | "genSignedCert"
        | "genSignedCertWithKey" => (|| {
            let signed = name.starts_with("genSigned");
            let with_key = name.ends_with("WithKey");
            arity(name, a, 4 + usize::from(signed) + usize::from(with_key))?;
            let cn = str_arg(&a[0])?;
            let ips = cert_names(&a[1], true)?;
            let dns = cert_names(&a[2], false)?;
            int_arg(&a[3])?;
            if signed {
                ca_arg(&a[4])?;
            }
            let key = if with_key {
                Some(str_arg(&a[a.len() - 1])?)
            } else {
                None
            };
            let seed = format!("cert:{cn}:{}:{}", ips.join(","), dns.join(","));
            Ok(certificate(&seed, key))
        })(),
        "encryptAES" => (|| {
            arity(name, a, 2)?;
            let (pass, plain) = (str_arg(&a[0])?, str_arg(&a[1])?);
            let mut data = plain.as_bytes().to_vec();
            let padding = 16 - data.len() % 16;
            data.extend(std::iter::repeat_n(padding as u8, padding));
            let ks = aes_keystream(pass, data.len());
            let mut out = vec![0u8; 16];
            out.extend(data.iter().zip(&ks).map(|(d, k)| d ^ k));
            string(b64enc(&out))
        })(),
        "decryptAES" => (|| {
            arity(name, a, 2)?;
            let (pass, crypt) = (str_arg(&a[0])?, str_arg(&a[1])?);
            let data = b64dec(crypt)?;
            if data.len() < 16 {
                return Err("ciphertext too short".into());
            }
            let body = &data[16..];
            if body.len() % 16 != 0 {
                return Err("ciphertext is not a multiple of the block size".into());
            }
            let ks = aes_keystream(pass, body.len());
            let mut plain: Vec<u8> = body.iter().zip(&ks).map(|(d, k)| d ^ k).collect();
            if let Some(&p) = plain.last()
                && (1..=16).contains(&p)
                && usize::from(p) <= plain.len()
            {
                plain.truncate(plain.len() - usize::from(p));
            }
            Ok(Value::from(bytes_to_string(&plain)))
        })(),
        "randBytes" => (|| {
            arity(name, a, 1)?;
            let n = int_arg(&a[0])?;
            if n < 0 {
                return Err("runtime error: makeslice: len out of range".into());
            }
            if n as u64 > (MAX_STRING / 2) as u64 {
                return Err("randBytes count too large".into());
            }
            Ok(Value::from(b64enc(&vec![0u8; n as usize])))
        })(),
        "getHostByName" => s1(&|_| Ok(String::new())),
        _ => return dispatch_math(name, a),
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::{err, i, l, ok, out, s};
    use super::*;

    #[test]
    fn encodings_hashes_and_placeholders() {
        assert_eq!(out("b64enc", &[s("hello")]), "aGVsbG8=");
        assert_eq!(out("b64dec", &[s("aGVs\nbG8=")]), "hello");
        assert_eq!(
            out("b64dec", &[s("a!==")]),
            "illegal base64 data at input byte 1"
        );
        assert_eq!(out("b32enc", &[s("foobar")]), "MZXW6YTBOI======");
        assert_eq!(out("b32dec", &[s("MZXW6YTBOI======")]), "foobar");
        assert_eq!(
            out("sha1sum", &[s("abc")]),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            out("sha256sum", &[s("abc")]),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(out("adler32sum", &[s("Wikipedia")]), "300286872");
        assert_eq!(
            out("htpasswd", &[s("user"), s("pass"), s("sha")]),
            "user:{SHA}nU4eI71bcnBGqeO0t9tXvY1u5oQ="
        );
        let h = out("htpasswd", &[s("user"), s("pass")]);
        assert!(
            h.starts_with("user:$2a$10$") && h.len() == "user:".len() + 60,
            "{h}"
        );
        assert_eq!(
            out("htpasswd", &[s("a:b"), s("pass")]),
            "invalid username: a:b"
        );
        assert_eq!(out("uuidv4", &[]), "00000000-0000-4000-8000-000000000000");
        assert_eq!(out("randBytes", &[i(3)]), "AAAA");
        let ca = ok("genCA", &[s("my-ca"), i(365)]);
        let cert = ca
            .map_get("Cert")
            .and_then(|c| c.as_str().map(str::to_string))
            .unwrap_or_default();
        assert!(
            cert.starts_with("-----BEGIN CERTIFICATE-----\n")
                && cert.ends_with("-----END CERTIFICATE-----\n")
        );
        assert_eq!(
            ok("genCA", &[s("my-ca"), i(365)]).to_go_string(),
            ca.to_go_string()
        );
        let signed = ok(
            "genSignedCert",
            &[
                s("svc"),
                l(&[s("10.0.0.1")]),
                l(&[s("svc.local")]),
                i(365),
                ca,
            ],
        );
        assert!(
            signed
                .map_get("Key")
                .is_some_and(|k| k.as_str().is_some_and(|k| k.contains("RSA PRIVATE KEY")))
        );
        assert_eq!(
            err(
                "genSelfSignedCert",
                &[s("x"), l(&[s("nope")]), Value::nil(), i(1)]
            ),
            "error parsing ip: nope"
        );
        assert_eq!(out("genPrivateKey", &[s("foo")]), "Unknown type foo");
        let enc = ok("encryptAES", &[s("secret"), s("plain text")]);
        assert_eq!(out("decryptAES", &[s("secret"), enc]), "plain text");
        assert_eq!(
            out(
                "derivePassword",
                &[i(1), s("long"), s("pw"), s("user"), s("site")]
            )
            .len(),
            14
        );
        assert_eq!(out("getHostByName", &[s("example.com")]), "");
    }
}
