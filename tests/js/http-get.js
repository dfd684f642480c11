// Guest only, through the shell (tests/meson.build): `ktest httpd 8080 2 &` serves
// on loopback, this script fetches twice with yolk.httpGet.
import * as yolk from "yolk";
import * as os from "os";
function get(url) {
    for (let i = 0; ; i++) {
        try {
            return yolk.httpGet(url);
        } catch (e) {
            if (i > 100 || !/refused/.test(e.message))
                throw e;
            os.sleep(50); // the server starts in the background
        }
    }
}
const r = get("http://127.0.0.1:8080/hello?x=1");
print("get:", r.status, r.statusText, r.headers["content-type"], r.headers["x-served-by"]);
const lines = r.body.split("\n");
print("body:", lines[0], lines[1].length, lines[1].slice(0, 30));
const r2 = get("http://localhost:8080/");
print("again:", r2.status, r2.body.length);
