"""A small TLS peer on tlslite-ng for `cargo xtask interop`.

Same flags and transcript as the rustls peer program: an echo server and a
line client, pinned to one version, suite and group set. The harness writes
this file into its venv and runs it with the venv's python.

  tlslite_peer.py server --port P --cert F --key F [--ca F] [--require-client-cert]
                         [--version 1.2|1.3] [--suite IANA] [--group NAME]...
                         [--alpn PROTO]... [--no-tickets]
  tlslite_peer.py client --port P [--ca F] [--servername NAME] [--version ..]
                         [--suite ..] [--group ..]... [--alpn ..]...
                         [--cert F --key F] [--resume] [--no-tickets]

tlslite-ng does no certificate path validation: the client prints the
server's certificate issuer instead, and the harness trusts the peer on
the other side to have checked its own end.
"""

import socket
import sys

from tlslite.api import (HandshakeSettings, SessionCache, TLSConnection,
                         X509CertChain, parsePEMKey)
from tlslite.constants import (CipherSuite, GroupName, KeyUpdateMessageType)
from tlslite.errors import TLSAbruptCloseError
from tlslite.utils.cryptomath import getRandomBytes

# IANA suite name -> (tlslite cipher name, key exchange name or None).
SUITES = {
    "TLS_AES_128_GCM_SHA256": ("aes128gcm", None),
    "TLS_AES_256_GCM_SHA384": ("aes256gcm", None),
    "TLS_CHACHA20_POLY1305_SHA256": ("chacha20-poly1305", None),
}
for _auth, _kx in (("ECDSA", "ecdhe_ecdsa"), ("RSA", "ecdhe_rsa")):
    SUITES["TLS_ECDHE_%s_WITH_AES_128_GCM_SHA256" % _auth] = ("aes128gcm", _kx)
    SUITES["TLS_ECDHE_%s_WITH_AES_256_GCM_SHA384" % _auth] = ("aes256gcm", _kx)
    SUITES["TLS_ECDHE_%s_WITH_CHACHA20_POLY1305_SHA256" % _auth] = (
        "chacha20-poly1305", _kx)

GROUPS = {"x25519": "x25519", "secp256r1": "secp256r1",
          "secp384r1": "secp384r1", "x25519mlkem768": "x25519mlkem768"}


class Fatal(Exception):
    """A usage or setup error: printed as `error: ...`, exit status 1."""


def parse(argv):
    flags = {"port": 0, "cert": None, "key": None, "ca": None,
             "servername": "localhost", "version": None, "suite": None,
             "groups": [], "alpn": [], "require_client_cert": False,
             "no_tickets": False, "resume": False}
    it = iter(argv)
    for arg in it:
        def value():
            try:
                return next(it)
            except StopIteration:
                raise Fatal("%s needs a value" % arg)
        if arg == "--port":
            flags["port"] = int(value())
        elif arg in ("--cert", "--key", "--ca", "--servername", "--version",
                     "--suite"):
            flags[arg[2:]] = value()
        elif arg == "--group":
            flags["groups"].append(value())
        elif arg == "--alpn":
            flags["alpn"].append(value())
        elif arg == "--require-client-cert":
            flags["require_client_cert"] = True
        elif arg == "--no-tickets":
            flags["no_tickets"] = True
        elif arg == "--resume":
            flags["resume"] = True
        else:
            raise Fatal("unknown flag %s" % arg)
    return flags


def settings_for(flags, server):
    s = HandshakeSettings()
    version = {"1.2": (3, 3), "1.3": (3, 4), None: None}.get(flags["version"])
    if flags["version"] is not None and version is None:
        raise Fatal("not supported: version %s" % flags["version"])
    if version is not None:
        s.minVersion = version
        s.maxVersion = version
    if flags["suite"]:
        if flags["suite"] not in SUITES:
            raise Fatal("not supported: cipher suite %s" % flags["suite"])
        cipher, kx = SUITES[flags["suite"]]
        s.cipherNames = [cipher]
        if kx is not None:
            s.keyExchangeNames = [kx]
    if flags["groups"]:
        names = []
        for g in flags["groups"]:
            if g.lower() not in GROUPS:
                raise Fatal("not supported: group %s" % g)
            names.append(GROUPS[g.lower()])
        s.eccCurves = names
        s.dhGroups = []
        # One key share, for the first group: a server that wants another
        # one answers with a HelloRetryRequest.
        s.keyShares = [] if server else [names[0]]
    if not server:
        # tlslite-ng 0.8 compresses the client certificate whenever its own
        # ClientHello offered compression, not only when the server's
        # CertificateRequest did (RFC 8879 section 3); servers then see an
        # unexpected CompressedCertificate. Sending it uncompressed is
        # always allowed.
        s.certificate_compression_send = []
    if server and not flags["no_tickets"]:
        s.ticketKeys = [getRandomBytes(32)]
    return s


def load_chain(path):
    chain = X509CertChain()
    with open(path) as f:
        chain.parsePemList(f.read())
    return chain


def load_key(path):
    with open(path) as f:
        return parsePEMKey(f.read(), private=True)


def summary(conn, server):
    group = "?"
    if conn.ecdhCurve is not None:
        group = GroupName.toStr(conn.ecdhCurve)
    suite = CipherSuite.ietfNames.get(conn.session.cipherSuite, "?")
    alpn = conn.session.appProto.decode() if conn.session.appProto else ""
    resumed = "true" if conn.resumed else "false"
    if server and conn.version >= (3, 4):
        # tlslite-ng's TLS 1.3 server never sets `resumed`, even when it
        # accepted a PSK; leave the verdict to the client's account.
        resumed = "unknown"
    line = "HANDSHAKE version=%s suite=%s group=%s alpn=%s resumed=%s" % (
        conn.getVersionName().replace(" ", ""), suite, group, alpn, resumed)
    if server:
        line += " sni=%s client_cert=%s" % (
            conn.session.serverName or "",
            "true" if conn.session.clientCertChain else "false")
    print(line, flush=True)


def serve_one(sock, flags, chain, key, cache, settings):
    conn = TLSConnection(sock)
    alpn = [bytearray(p, "ascii") for p in flags["alpn"]] or None
    conn.handshakeServer(certChain=chain, privateKey=key,
                         reqCert=flags["require_client_cert"],
                         sessionCache=cache, settings=settings, alpn=alpn)
    if flags["require_client_cert"] and not conn.session.clientCertChain:
        raise Fatal("client sent no certificate")
    summary(conn, server=True)
    while True:
        try:
            data = conn.read()
        except TLSAbruptCloseError:
            print("EOF without close_notify", flush=True)
            return
        if not data:
            print("CLOSE_NOTIFY received", flush=True)
            conn.close()
            return
        conn.write(data)


def server(flags):
    chain = load_chain(flags["cert"])
    key = load_key(flags["key"])
    settings = settings_for(flags, server=True)
    cache = SessionCache()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", flags["port"]))
    listener.listen(8)
    print("ACCEPT", flush=True)
    while True:
        sock, _ = listener.accept()
        try:
            serve_one(sock, flags, chain, key, cache, settings)
        except Exception as e:  # one bad client must not stop the server
            print("error: %s: %s" % (type(e).__name__, e), flush=True)
        finally:
            sock.close()


def connect(flags, settings, session=None):
    sock = socket.create_connection(("127.0.0.1", flags["port"]), timeout=30)
    conn = TLSConnection(sock)
    chain = load_chain(flags["cert"]) if flags["cert"] else None
    key = load_key(flags["key"]) if flags["key"] else None
    alpn = [bytearray(p, "ascii") for p in flags["alpn"]] or None
    conn.handshakeClientCert(chain, key, session=session, settings=settings,
                             serverName=flags["servername"], alpn=alpn)
    summary(conn, server=False)
    return conn


def read_line(conn):
    got = bytearray()
    while b"\n" not in got:
        data = conn.read()
        if not data:
            raise Fatal("server closed the connection")
        got += data
    return bytes(got)


def close(conn):
    try:
        conn.close()
        print("CLOSE_NOTIFY received", flush=True)
    except Exception:
        print("EOF without close_notify", flush=True)


def client(flags):
    settings = settings_for(flags, server=False)
    session = None
    if flags["resume"]:
        first = connect(flags, settings)
        first.write(b"resumption probe\n")
        read_line(first)
        session = first.session
        close(first)
    conn = connect(flags, settings, session)
    for line in sys.stdin:
        line = line.rstrip("\n")
        if line == "K":
            for _ in conn.send_keyupdate_request(
                    KeyUpdateMessageType.update_requested):
                pass
            print("KEY_UPDATE sent", flush=True)
        elif line == "R":
            raise Fatal("not supported: renegotiation (tlslite-ng)")
        else:
            conn.write((line + "\n").encode())
            sys.stdout.write(read_line(conn).decode("utf-8", "replace"))
            sys.stdout.flush()
    close(conn)


def main(argv):
    if len(argv) < 2 or argv[1] not in ("server", "client"):
        print("usage: tlslite_peer.py server|client --port P ...")
        return 2
    try:
        flags = parse(argv[2:])
        if argv[1] == "server":
            server(flags)
        else:
            client(flags)
    except Fatal as e:
        print("error: %s" % e, flush=True)
        return 1
    except Exception as e:
        print("error: %s: %s" % (type(e).__name__, e), flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
