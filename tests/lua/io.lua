-- io on the directory given as arg[1] (a ramfs, a FAT disk, or a host dir)
local dir = assert(arg[1], "usage: io.lua DIR")
local p = dir .. "/data.txt"
local f = assert(io.open(p, "w"))
print(io.type(f), io.type(io.stdout), io.type(42))
f:write("line one\n", "line two\n", 3, " ", 4.5, "\n")
for i = 1, 100 do f:write(string.format("row %03d %s\n", i, ("x"):rep(i))) end
print(f:seek("cur"), f:seek("end"), f:seek("set", 5))
f:close()
print(io.type(f), pcall(f.write, f, "x"))
for l in io.lines(p) do if l:find("^line") then print(l) end end
local r = assert(io.open(p, "r"))
print(r:read("l"), r:read("L"), r:read("n"), r:read("n"), r:read(1), r:read(8))
print(#r:read("a"), r:read("a"), r:read("l"), r:read(0))
r:seek("set", 0)
local count = 0 for _ in r:lines() do count = count + 1 end
print("lines:", count)
r:close()
local a = assert(io.open(p, "a")) a:write("appended\n") a:close()
local size = 0 for l in io.lines(p, "L") do size = size + #l end
print("size:", size, assert(io.open(p)):seek("end"))
local rw = assert(io.open(p, "r+")) rw:write("LINE") rw:seek("set") print(rw:read("l")) rw:close()
local b = assert(io.open(dir .. "/bin.dat", "wb"))
local bytes = {} for i = 0, 255 do bytes[#bytes + 1] = string.char(i) end
b:write(table.concat(bytes)) b:close()
local data = assert(io.open(dir .. "/bin.dat", "rb")):read("a")
print(#data, data:byte(1), data:byte(256), data == table.concat(bytes))
print(io.open(dir .. "/nope/x.txt", "r") == nil, select(3, io.open(dir .. "/nope.txt")))
print(pcall(io.open, p, "rz"))
local big = assert(io.open(dir .. "/big.txt", "w"))
for i = 1, 20000 do big:write(i, "\n") end
big:close()
local sum = 0 for l in io.lines(dir .. "/big.txt") do sum = sum + tonumber(l) end
print("sum:", sum)
f = assert(io.open(p)) f:setvbuf("full", 1024) print(f:read("l")) f:close()
io.output():setvbuf("line")
io.write("to stdout via io.write\n")
print(os.remove(dir .. "/big.txt"), os.remove(dir .. "/bin.dat"), os.rename(p, dir .. "/renamed.txt"), os.remove(dir .. "/renamed.txt"))
print(io.open(p) == nil)
print(io.read and true, io.lines ~= nil, select(2, pcall(io.lines, dir .. "/nope.txt")):gsub("'.*'", "FILE"))
