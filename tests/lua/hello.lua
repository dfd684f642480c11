-- run from the shell: arguments and the script's name
print("hello from " .. arg[0], #arg, table.concat(arg, " "), ...)
