/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The types and functions the random .BTF_ids layouts of gen.py name:
 * functions with and without implicit arguments, an existing _impl, and
 * names that exist under two kinds.
 */
struct bpf_prog_aux { int id; };
struct btf_struct_meta { int size; };
struct rs_a { int x; };
struct rs_b { long y; };
union ru_a { int i; long l; };
typedef unsigned int rt_a;
typedef struct rs_b rt_b;

volatile long rsink;

#define FN __attribute__((noinline, used))

FN int rf_0(int a, struct bpf_prog_aux *aux) { rsink += a + (long)aux; return 0; }
FN int rf_1(struct rs_a *p, struct btf_struct_meta *m, struct bpf_prog_aux *aux)
{ rsink += (long)p + (long)m + (long)aux; return 1; }
FN int rf_2(int a, int b) { rsink += a + b; return 2; }
FN int rf_3(struct bpf_prog_aux *aux, int a) { rsink += (long)aux + a; return 3; }
FN int rf_4(int a, struct bpf_prog_aux *aux) { rsink += a + (long)aux; return 4; }
FN int rf_4_impl(int a, void *aux) { rsink += a + (long)aux; return 5; }
FN void rf_5(void) { rsink++; }
FN int rs_a(int a) { rsink += a; return 6; }	/* a func named like a struct */
