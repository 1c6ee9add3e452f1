"""A throwaway RSA key pair for signing test deliveries, written from RFC 8017 independently of
the generated verifier. Shared by `webhook_senders.py` and the Rust tests that run Python
(`src/python/delivery_tests.rs` includes this text)."""
import base64
import hashlib


def rsa_key(bits=1024):
    """A throwaway RSA key pair: (public key as PEM SubjectPublicKeyInfo, RS256 signer)."""
    import secrets as random

    def prime(size):
        while True:
            n = random.randbits(size) | (1 << (size - 1)) | 1
            if all(n % p for p in (3, 5, 7, 11, 13)) and all(
                    pow(a, n - 1, n) == 1 for a in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)):
                return n
    e = 65537
    while True:
        p, q = prime(bits // 2), prime(bits // 2)
        if p != q and (p - 1) * (q - 1) % e:
            break
    n, d = p * q, pow(e, -1, (p - 1) * (q - 1))
    size = (n.bit_length() + 7) // 8

    def der(tag, content):
        n_len = len(content)
        head = bytes([n_len]) if n_len < 128 else bytes([0x80 | ((n_len.bit_length() + 7) // 8)]) + n_len.to_bytes((n_len.bit_length() + 7) // 8, "big")
        return bytes([tag]) + head + content

    def integer(v):
        return der(2, v.to_bytes(v.bit_length() // 8 + 1, "big"))
    spki = der(0x30, der(0x30, der(6, bytes.fromhex("2a864886f70d010101")) + der(5, b""))
               + der(3, b"\0" + der(0x30, integer(n) + integer(e))))
    text = base64.b64encode(spki).decode()
    pem = "-----BEGIN PUBLIC KEY-----\n" + "\n".join(text[i:i + 64] for i in range(0, len(text), 64)) + "\n-----END PUBLIC KEY-----\n"

    def sign(message):
        # RFC 8017 EMSA-PKCS1-v1_5 with SHA-256, then RSASP1
        t = bytes.fromhex("3031300d060960864801650304020105000420") + hashlib.sha256(message).digest()
        em = b"\0\1" + b"\xff" * (size - len(t) - 3) + b"\0" + t
        return pow(int.from_bytes(em, "big"), d, n).to_bytes(size, "big")
    return pem, sign
