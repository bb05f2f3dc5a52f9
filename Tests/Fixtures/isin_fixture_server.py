#!/usr/bin/env python3
"""HTTP fixture server for the ISIN pipeline tests.

Usage: isin_fixture_server.py DIRECTORY

Binds 127.0.0.1 on a free port, prints the port on one line, and serves until killed.

  /<file>                 the file from DIRECTORY, with ETag and Last-Modified; honours
                          If-None-Match and If-Modified-Since with 304
  /novalidators/<file>    the file, with no ETag or Last-Modified, ignoring conditional headers
  /status/<code>          that status with a short text body
  /hang                   reads the request and never answers
  /hang/body?bytes=N      headers (Content-Length N+1000) and N bytes of body, then silence
  /slow?bytes=N&delay=S   N bytes of "x" in 10 pieces, S seconds apart, with Content-Length
  /truncate/<file>        the full Content-Length but only the first half of the file, then close
  /redirect/<file>        302 to /<file>; /redirect/<file>?times=K chains K redirects
  /nolength/<file>        the file with no Content-Length, ending when the connection closes
  /chunked/<file>         the file in chunked transfer encoding
  /echo                   the request headers as "name: value" lines
"""
import email.utils
import hashlib
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlparse

ROOT = os.path.realpath(sys.argv[1] if len(sys.argv) > 1 else ".")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def read_file(self, name):
        path = os.path.realpath(os.path.join(ROOT, name))
        if not path.startswith(ROOT + os.sep) or not os.path.isfile(path):
            self.reply(404, b"not found")
            return None
        with open(path, "rb") as f:
            return path, f.read()

    @staticmethod
    def validators(path, data):
        etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
        mtime = int(os.stat(path).st_mtime)
        return etag, mtime, email.utils.formatdate(mtime, usegmt=True)

    def serve_file(self, name):
        found = self.read_file(name)
        if found is None:
            return
        path, data = found
        etag, mtime, last_modified = self.validators(path, data)
        headers = [("ETag", etag), ("Last-Modified", last_modified), ("Content-Type", "application/octet-stream")]
        if_none_match = self.headers.get("If-None-Match")
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_none_match is not None:
            not_modified = etag in [t.strip() for t in if_none_match.split(",")] or if_none_match.strip() == "*"
        elif if_modified_since is not None:
            try:
                since = email.utils.parsedate_to_datetime(if_modified_since).timestamp()
                not_modified = mtime <= since
            except (TypeError, ValueError):
                not_modified = False
        else:
            not_modified = False
        if not_modified:
            self.send_response(304)
            for header in headers[:2]:
                self.send_header(*header)
            self.end_headers()
            return
        self.reply(200, data, headers)

    def handle_get(self):
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        parts = url.path.lstrip("/").split("/", 1)
        head, rest = parts[0], (parts[1] if len(parts) > 1 else "")

        if head == "status":
            code = int(rest)
            self.reply(code, ("status %d\n" % code).encode())
        elif head == "hang" and rest == "":
            while True:
                time.sleep(3600)
        elif head == "hang" and rest == "body":
            sent = int(query.get("bytes", "0"))
            self.send_response(200)
            self.send_header("Content-Length", str(sent + 1000))
            self.end_headers()
            self.wfile.write(b"x" * sent)
            self.wfile.flush()
            while True:
                time.sleep(3600)
        elif head == "slow":
            total, delay = int(query.get("bytes", "1000")), float(query.get("delay", "0.1"))
            self.send_response(200)
            self.send_header("Content-Length", str(total))
            self.end_headers()
            piece = max(1, total // 10)
            sent = 0
            while sent < total:
                n = min(piece, total - sent)
                self.wfile.write(b"x" * n)
                self.wfile.flush()
                sent += n
                if sent < total:
                    time.sleep(delay)
        elif head == "truncate":
            found = self.read_file(rest)
            if found is None:
                return
            data = found[1]
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
        elif head == "redirect":
            times = int(query.get("times", "1"))
            target = "/redirect/%s?times=%d" % (quote(rest), times - 1) if times > 1 else "/" + quote(rest)
            self.reply(302, b"", [("Location", target)])
        elif head == "nolength":
            found = self.read_file(rest)
            if found is None:
                return
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(found[1])
            self.wfile.flush()
            self.close_connection = True
        elif head == "chunked":
            found = self.read_file(rest)
            if found is None:
                return
            data = found[1]
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for start in range(0, len(data), 4096):
                piece = data[start : start + 4096]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        elif head == "novalidators":
            found = self.read_file(rest)
            if found is not None:
                self.reply(200, found[1], [("Content-Type", "text/csv")])
        elif head == "echo":
            lines = "".join("%s: %s\n" % (k, v) for k, v in self.headers.items())
            self.reply(200, lines.encode(), [("Content-Type", "text/plain")])
        else:
            self.serve_file(url.path.lstrip("/"))

    do_GET = do_HEAD = handle_get


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # Clients that hang up early (timeouts, size limits) are what the tests are about.
        pass


def exit_with_parent():
    # The test keeps our stdin open; end of file means it is gone, even after a crash or kill -9,
    # so no server outlives its test.
    sys.stdin.buffer.read()
    os._exit(0)


server = Server(("127.0.0.1", 0), Handler)
threading.Thread(target=exit_with_parent, daemon=True).start()
print(server.server_address[1], flush=True)
server.serve_forever()
