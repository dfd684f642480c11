// Guest only, through the shell (tests/meson.build): apps/httpd serves /js on loopback
// in the background, this script fetches from it with yolk.httpGet.
import * as yolk from "yolk";
import * as std from "std";
import * as os from "os";
function get(url) {
    for (let i = 0; ; i++) {
        try {
            return yolk.httpGet(url);
        } catch (e) {
            if (i > 100 || !/refused/.test(e.message))
                throw e;
            os.sleep(50); // the server is still starting
        }
    }
}
const hello = get("http://127.0.0.1:8080/hello");
print("hello:", hello.status, hello.statusText, hello.headers.server, JSON.stringify(hello.body));
const file = get("http://localhost:8080/string1mb.js");
print("file:", file.status, file.headers["content-type"], +file.headers["content-length"] === file.body.length,
      file.body === std.loadFile("/js/string1mb.js"));
const missing = get("http://127.0.0.1:8080/nope.txt");
print("missing:", missing.status, missing.statusText);
