; A module that defines nothing.
target triple = "x86_64-unknown-linux-gnu"
declare i32 @puts(ptr)
