// Date in UTC (yolk's clock; the host runs qjs with TZ=UTC): parsing, formatting, setters.
const d = new Date(Date.UTC(2024, 1, 29, 13, 45, 30, 123));
print(d.toISOString(), d.getTime(), d.getUTCDay(), d.getDay(), d.getTimezoneOffset(), d.getHours());
print(d.toString());
print(d.toUTCString());
print(d.toDateString(), d.toTimeString());
print(d.toLocaleString(), d.toLocaleDateString(), d.toLocaleTimeString());
print(JSON.stringify(d), d.valueOf() === +d);
print(Date.parse("2000-01-01T00:00:00Z"), Date.parse("2000-01-01"), Date.parse("2000-01-01T00:00:00"),
      Date.parse("Tue, 01 Feb 2000 10:00:00 GMT"));
print(new Date(2021, 0, 31 + 29).toISOString(), new Date(1900, 0, 1).getDay(), new Date(-1).toISOString(),
      new Date(8.64e15).toISOString());
const e = new Date(2024, 0, 31);
e.setMonth(1);
print(e.toISOString());
e.setFullYear(2023, 11, 31);
e.setHours(25);
print(e.toISOString());
print(new Date(NaN).getTime(), String(new Date(NaN)), new Date(2e15).getUTCFullYear());
print(new Date("2024-03-10T02:30:00").getHours(), Date.UTC(1970), new Date(0).getYear(), new Date(1e12).toString());
const now = Date.now();
print(typeof now, now > 1.5e12, Math.abs(new Date().getTime() - now) < 10000);
