// Guest only, with net/lwip (tests/meson.build): yolk.httpGet's failures over loopback.
import * as yolk from "yolk";
for (const url of ["http://127.0.0.1:9/", "http://localhost:9/index.html", "ftp://example.org/", "http://:80/",
                   "http://127.0.0.1:99999999/"]) {
    try {
        yolk.httpGet(url);
    } catch (e) {
        print(e.name + ": " + e.message);
    }
}
