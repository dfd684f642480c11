-- utf8 library
local s = "héllo wörld ✓ 😀"
print(utf8.len(s), #s, utf8.char(72, 233, 0x2713, 0x1F600), utf8.charpattern)
for p, c in utf8.codes("aé✓😀") do io.write(p, ":", c, " ") end print()
print(utf8.codepoint(s, 1, 3), utf8.offset(s, 3), utf8.offset(s, -1), utf8.offset(s, 0, 3))
print(utf8.len("\xff"), utf8.len(s, 3), pcall(utf8.codepoint, "\xff"))
print(utf8.char(0x7FFFFFFF):byte(1, -1))
print(utf8.len("\u{7FFFFFFF}", 1, -1, true), utf8.len("\u{7FFFFFFF}"))
local t = {} for _, c in utf8.codes("ŁÓDŹ") do t[#t + 1] = c end print(table.concat(t, ","))
print(("ü"):upper(), ("ÄB"):lower(), #utf8.char(0x10FFFF), pcall(utf8.char, -1))
for w in s:gmatch(utf8.charpattern) do io.write("[", w, "]") end print()
