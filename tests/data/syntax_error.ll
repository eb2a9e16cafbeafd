define i32 @f() {
entry:
  %x = add i32 1,
  ret i32 %x
}
