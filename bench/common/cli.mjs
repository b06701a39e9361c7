// Option checks shared by the benchmark scripts.

/** `args[name]` as an integer of at least `min`; exits 2 naming the option otherwise. */
export function intOption(args, name, min = 1) {
  const v = Number(args[name]);
  if (!Number.isInteger(v) || v < min) {
    console.error(`--${name} must be an integer >= ${min}`);
    process.exit(2);
  }
  return v;
}
