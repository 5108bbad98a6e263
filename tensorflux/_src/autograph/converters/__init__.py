"""One AST pass per Python construct, run in the order `transpiler.PASSES` lists."""
