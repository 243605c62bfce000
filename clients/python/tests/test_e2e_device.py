"""Sessions bound to a device (W3C DBSC) through a real sessiond serve
--device-binding: the test plays the browser, with a P-256 key that signs
dbsc+jwt proofs, and the application, which passes the browser's device
requests on with the client."""

import base64
import json
import re
import unittest

import sessiond
from sessiond_process import Sessiond

try:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
except ImportError:  # the package itself needs none of it
    ec = None

ORIGIN = "https://app.example"
OFFER = re.compile(r'^\(ES256 RS256\);path="([^"]+)";challenge="([^"]+)";authorization="([^"]+)"$')
CHALLENGE = re.compile(r'^"([^"]+)";id="([^"]+)"$')


def _b64(data):
    if not isinstance(data, bytes):
        data = json.dumps(data).encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Device:
    """A browser's key: it signs proofs as Chromium does."""

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        numbers = self.key.public_key().public_numbers()
        self.jwk = {"kty": "EC", "crv": "P-256", "x": _b64(numbers.x.to_bytes(32, "big")),
                    "y": _b64(numbers.y.to_bytes(32, "big"))}

    def _jwt(self, header, payload):
        signing_input = f"{_b64(header)}.{_b64(payload)}"
        r, s = decode_dss_signature(self.key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
        return f"{signing_input}.{_b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"

    def registration(self, challenge, authorization):
        return self._jwt({"alg": "ES256", "typ": "dbsc+jwt", "jwk": self.jwk},
                         {"jti": challenge, "authorization": authorization})

    def refresh(self, challenge):
        return self._jwt({"alg": "ES256", "typ": "dbsc+jwt"}, {"jti": challenge})


@unittest.skipIf(ec is None, "signing the browser's proofs needs the cryptography package")
class DeviceBinding(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sessiond = Sessiond("--device-binding")
        cls.client = cls.sessiond.client()

    @classmethod
    def tearDownClass(cls):
        cls.client.close()
        cls.sessiond.close()

    def test_bind_validate_refresh_and_revoke(self):
        client, dev = self.client, Device()
        issued = client.create("alice", auth_methods=["pwd"], device_binding=True)
        offer = OFFER.match(issued.device_registration or "")
        self.assertIsNotNone(offer, issued.device_registration)
        token, sid = issued.token, issued.session.id
        self.assertFalse(issued.session.bound)

        answer = client.register_device(token, response=dev.registration(offer[2], offer[3]), origin=ORIGIN)
        status, headers, body = answer.response()
        self.assertEqual((answer.result, status), ("bound", 200))
        cookie = dict(headers)["Set-Cookie"]
        self.assertTrue(cookie.startswith(sessiond.BOUND_COOKIE_NAME + "="), cookie)
        self.assertEqual(json.loads(body)["session_identifier"], sid)
        bound = cookie.split(";")[0].split("=", 1)[1]

        session = client.validate(token, bound_cookie=bound).session
        self.assertTrue(session.bound)
        self.assertEqual(session.device["alg"], "ES256")
        with self.assertRaises(sessiond.Unauthenticated):
            client.validate(token)

        first = client.refresh_device(token, session_id=f'"{sid}"', origin=ORIGIN)
        status, headers, _ = first.response()
        self.assertEqual((first.result, status), ("challenge", 403))
        challenge = CHALLENGE.match(dict(headers)["Secure-Session-Challenge"])
        self.assertEqual(challenge[2], sid)
        refreshed = client.refresh_device(token, session_id=f'"{sid}"', origin=ORIGIN,
                                          response=dev.refresh(challenge[1]))
        self.assertEqual(refreshed.result, "bound")
        self.assertNotIn(bound, repr(refreshed))
        new_bound = refreshed.set_cookie.split(";")[0].split("=", 1)[1]
        self.assertNotEqual(new_bound, bound)
        client.validate(token, bound_cookie=new_bound)

        client.revoke(token)
        with self.assertRaises(sessiond.Unauthenticated):
            client.refresh_device(token, session_id=f'"{sid}"', origin=ORIGIN,
                                  response=dev.refresh(CHALLENGE.match(refreshed.challenge)[1]))
        self.assertEqual(sessiond.REFUSED_DEVICE_RESPONSE[0], 403)


if __name__ == "__main__":
    unittest.main()
