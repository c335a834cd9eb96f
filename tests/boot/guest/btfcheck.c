// SPDX-License-Identifier: GPL-2.0
/*
 * btfcheck.c - the test program inside the booted kernel (static, libbpf).
 *
 * Usage: btfcheck positive|negative DIR [--kfuncs LIST] MODULE...
 *
 * Checks, one line each ("ok NAME: detail" or "FAIL NAME: why"), on the
 * serial console, then "btfcheck: N passed, N failed":
 *   btf/vmlinux       /sys/kernel/btf/vmlinux parses, its types are sorted
 *                     by name (Linux 7.x relies on it)
 *   btf/MODULE        /sys/kernel/btf/MODULE parses as split BTF on vmlinux
 *   prog/OBJ/PROG     each program of the table below loads (libbpf checks
 *                     the kfunc prototypes against the kernel's BTF, the
 *                     verifier checks the kfunc sets) and BPF_PROG_TEST_RUN
 *                     returns the value the program is written to return;
 *                     or it is refused, with the verifier's reason
 *   kfunc/NAME        with a kfunc list (the host's reading of the kernel's
 *                     .BTF_ids: lines "NAME FLAGS"; Linux 7.3 on), each
 *                     kfunc of /sys/kernel/btf/vmlinux carries the decl tag
 *                     "bpf_kfunc", "bpf_fastcall" when KF_FASTCALL, and
 *                     address_space(1) pointers where KF_ARENA_RET, _ARG1,
 *                     _ARG2 or a parameter named ...__arena(__nullable)
 *                     says so: what 7.3's resolve_btfids writes
 * "negative" is the boot with a bpf_testmod whose kfunc set was emptied on
 * purpose: there bpf_testmod's programs must be refused ("is not allowed")
 * and vmlinux's still run.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#define LOG_SIZE (1 << 20)

enum outcome {
	RUNS,		/* loads, and test_run returns .retval */
	REFUSED,	/* fails to load; the verifier log holds .reason */
};

struct prog_check {
	const char *obj;
	const char *prog;
	enum outcome positive;	/* in the boot with the good module */
	enum outcome negative;	/* with the emptied kfunc set */
	int retval;
	const char *reason;
};

static const struct prog_check checks[] = {
	{ "vmlinux_kfuncs.bpf.o", "obj_new_drop", RUNS, RUNS, 42, NULL },
	{ "vmlinux_kfuncs.bpf.o", "obj_new_impl", RUNS, RUNS, 43, NULL },
	{ "vmlinux_kfuncs.bpf.o", "task_from_pid", RUNS, RUNS, 1, NULL },
	/* KF_FASTCALL */
	{ "vmlinux_kfuncs.bpf.o", "rdonly_cast", RUNS, RUNS, 101, NULL },
	{ "testmod_kfuncs.bpf.o", "implicit_arg", RUNS, REFUSED, 5,
	  "calling kernel function bpf_kfunc_implicit_arg is not allowed" },
	{ "testmod_kfuncs.bpf.o", "implicit_arg_legacy", RUNS, REFUSED, 7,
	  "calling kernel function bpf_kfunc_implicit_arg_legacy is not allowed" },
	{ "testmod_kfuncs.bpf.o", "implicit_arg_legacy_impl", RUNS, REFUSED, 11,
	  "calling kernel function bpf_kfunc_implicit_arg_legacy_impl is not allowed" },
	{ "testmod_kfuncs.bpf.o", "call_test4", RUNS, REFUSED, 94,
	  "calling kernel function bpf_kfunc_call_test4 is not allowed" },
	/* the BTF-only _impl of a KF_IMPLICIT_ARGS kfunc: never callable */
	{ "testmod_impl.bpf.o", "implicit_arg_impl", REFUSED, REFUSED, 0,
	  "cannot find address for kernel function bpf_kfunc_implicit_arg_impl" },
};

static int passed, failed;
static char libbpf_log[LOG_SIZE];
static size_t libbpf_log_len;

static void report(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("%s %s: ", ok ? "ok" : "FAIL", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (ok)
		passed++;
	else
		failed++;
}

/* libbpf's messages go to a buffer, shown only with a failure */
static int log_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	int n;

	if (level == LIBBPF_DEBUG || libbpf_log_len >= sizeof(libbpf_log) - 1)
		return 0;
	n = vsnprintf(libbpf_log + libbpf_log_len, sizeof(libbpf_log) - libbpf_log_len,
		      fmt, ap);
	if (n > 0)
		libbpf_log_len += (size_t)n;
	if (libbpf_log_len >= sizeof(libbpf_log))
		libbpf_log_len = sizeof(libbpf_log) - 1;
	return 0;
}

/* The last lines of a log, one line, for a FAIL message. */
static const char *log_tail(const char *log)
{
	static char tail[600];
	size_t len = strlen(log), from = len > 500 ? len - 500 : 0, i;

	snprintf(tail, sizeof(tail), "%s", log + from);
	for (i = 0; tail[i]; i++)
		if (tail[i] == '\n')
			tail[i] = '|';
	return tail;
}

/* Types 1..n: anonymous ones first, then named ones in strcmp() order. */
static int check_sorted(const struct btf *btf, __u32 *unsorted_at)
{
	__u32 n = btf__type_cnt(btf), id;
	const char *prev = NULL, *name;

	for (id = 1; id < n; id++) {
		name = btf__name_by_offset(btf, btf__type_by_id(btf, id)->name_off);
		if (!name || !*name) {
			if (!prev)
				continue;
			*unsorted_at = id;	/* anonymous after a named type */
			return 0;
		}
		if (prev && strcmp(prev, name) > 0) {
			*unsorted_at = id;
			return 0;
		}
		prev = name;
	}
	return 1;
}

static struct btf *check_vmlinux_btf(void)
{
	struct btf *btf = btf__parse("/sys/kernel/btf/vmlinux", NULL);
	__u32 at = 0;

	if (!btf) {
		report(0, "btf/vmlinux", "btf__parse: %s", strerror(errno));
		return NULL;
	}
	if (check_sorted(btf, &at))
		report(1, "btf/vmlinux", "%u types, sorted by name", btf__type_cnt(btf) - 1);
	else
		report(0, "btf/vmlinux", "type %u is out of name order", at);
	return btf;
}

static void check_module_btf(const char *mod, struct btf *vmlinux)
{
	char path[256], name[300];
	struct btf *btf;

	snprintf(path, sizeof(path), "/sys/kernel/btf/%s", mod);
	snprintf(name, sizeof(name), "btf/%s", mod);
	btf = btf__parse_split(path, vmlinux);
	if (!btf) {
		report(0, name, "btf__parse_split on vmlinux: %s", strerror(errno));
		return;
	}
	report(1, name, "%u types on %u of vmlinux",
	       btf__type_cnt(btf) - btf__type_cnt(vmlinux), btf__type_cnt(vmlinux) - 1);
	btf__free(btf);
}

#define KF_FASTCALL	(1U << 12)
#define KF_ARENA_RET	(1U << 13)
#define KF_ARENA_ARG1	(1U << 14)
#define KF_ARENA_ARG2	(1U << 15)

/* Does a whole-function decl tag @tag name FUNC @id? */
static int has_tag(const struct btf *btf, __u32 id, const char *tag)
{
	__u32 i, n = btf__type_cnt(btf);

	for (i = 1; i < n; i++) {
		const struct btf_type *t = btf__type_by_id(btf, i);

		if (btf_is_decl_tag(t) && t->type == id && btf_decl_tag(t)->component_idx == -1 &&
		    !strcmp(btf__name_by_offset(btf, t->name_off), tag))
			return 1;
	}
	return 0;
}

/* Is type @id a pointer to address_space(1)? */
static int arena_ptr(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	if (!t || !btf_is_ptr(t))
		return 0;
	t = btf__type_by_id(btf, t->type);
	return t && btf_is_type_tag(t) && btf_kflag(t) &&
	       !strcmp(btf__name_by_offset(btf, t->name_off), "address_space(1)");
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* What is wrong with kfunc @name (flags @fl) in @btf, or NULL. */
static const char *kfunc_problem(const struct btf *btf, const char *name, __u32 fl)
{
	static char why[200];
	const struct btf_type *f, *proto;
	const struct btf_param *p;
	const char *pn;
	int id = btf__find_by_name_kind(btf, name, BTF_KIND_FUNC);
	__u32 i;

	if (id <= 0)
		return "no FUNC of that name";
	if (!has_tag(btf, id, "bpf_kfunc"))
		return "no bpf_kfunc decl tag";
	if ((fl & KF_FASTCALL) && !has_tag(btf, id, "bpf_fastcall"))
		return "KF_FASTCALL, but no bpf_fastcall decl tag";
	f = btf__type_by_id(btf, id);
	proto = btf__type_by_id(btf, f->type);
	if ((fl & KF_ARENA_RET) && !arena_ptr(btf, proto->type))
		return "KF_ARENA_RET, but the return type is no address_space(1) pointer";
	for (i = 0, p = btf_params(proto); i < btf_vlen(proto); i++, p++) {
		pn = btf__name_by_offset(btf, p->name_off);
		if (((i == 0 && (fl & KF_ARENA_ARG1)) || (i == 1 && (fl & KF_ARENA_ARG2)) ||
		     ends_with(pn, "__arena") || ends_with(pn, "__arena__nullable")) &&
		    !arena_ptr(btf, p->type)) {
			snprintf(why, sizeof(why), "argument %u (%s) is no address_space(1) pointer",
				 i + 1, pn);
			return why;
		}
	}
	return NULL;
}

/* Every kfunc of @list ("NAME FLAGS" lines), one line each. */
static void check_kfuncs(const char *list, const struct btf *btf)
{
	char name[256], what[300];
	const char *why;
	unsigned int fl;
	int n = 0;
	FILE *f = fopen(list, "r");

	if (!f) {
		report(0, "kfunc/list", "%s: %s", list, strerror(errno));
		return;
	}
	while (fscanf(f, "%255s %u", name, &fl) == 2) {
		snprintf(what, sizeof(what), "kfunc/%s", name);
		why = kfunc_problem(btf, name, fl);
		if (why)
			report(0, what, "%s", why);
		else
			report(1, what, "flags 0x%x", fl);
		n++;
	}
	fclose(f);
	report(n > 0, "kfunc/list", "%d kfuncs in %s", n, list);
}

/* Open OBJ with only PROG to load; its verifier log goes to VLOG. */
static struct bpf_object *open_one(const char *dir, const char *obj, const char *prog,
				   char *vlog, size_t vlog_size, struct bpf_program **out)
{
	char path[512];
	struct bpf_object *o;
	struct bpf_program *p;

	snprintf(path, sizeof(path), "%s/%s", dir, obj);
	o = bpf_object__open_file(path, NULL);
	if (!o)
		return NULL;
	*out = NULL;
	bpf_object__for_each_program(p, o) {
		int mine = !strcmp(bpf_program__name(p), prog);

		bpf_program__set_autoload(p, mine);
		if (mine) {
			bpf_program__set_log_buf(p, vlog, vlog_size);
			bpf_program__set_log_level(p, 1);
			*out = p;
		}
	}
	return o;
}

static void run_check(const char *dir, const struct prog_check *c, int negative)
{
	static char vlog[LOG_SIZE];
	enum outcome want = negative ? c->negative : c->positive;
	LIBBPF_OPTS(bpf_test_run_opts, run);
	struct bpf_program *p = NULL;
	struct bpf_object *o;
	char name[256];
	int err;

	snprintf(name, sizeof(name), "prog/%s/%s", c->obj, c->prog);
	vlog[0] = 0;
	libbpf_log_len = 0;
	libbpf_log[0] = 0;
	o = open_one(dir, c->obj, c->prog, vlog, sizeof(vlog), &p);
	if (!o || !p) {
		report(0, name, "cannot open: %s", log_tail(libbpf_log));
		bpf_object__close(o);
		return;
	}
	err = bpf_object__load(o);
	if (want == REFUSED) {
		if (!err)
			report(0, name, "loaded, but must be refused (\"%s\")", c->reason);
		else if (strstr(vlog, c->reason) || strstr(libbpf_log, c->reason))
			report(1, name, "refused: %s", c->reason);
		else
			report(0, name, "refused, but not for \"%s\": %s", c->reason,
			       log_tail(vlog[0] ? vlog : libbpf_log));
		bpf_object__close(o);
		return;
	}
	if (err) {
		report(0, name, "load failed (%d): %s", err, log_tail(vlog[0] ? vlog : libbpf_log));
	} else if ((err = bpf_prog_test_run_opts(bpf_program__fd(p), &run))) {
		report(0, name, "BPF_PROG_TEST_RUN: %s", strerror(errno));
	} else if ((int)run.retval != c->retval) {
		report(0, name, "returned %d, want %d", (int)run.retval, c->retval);
	} else {
		report(1, name, "returned %d", c->retval);
	}
	bpf_object__close(o);
}

int main(int argc, char **argv)
{
	const char *kfuncs = NULL;
	struct btf *vmlinux;
	size_t i;
	int negative, m = 3;

	if (argc < 3 || (strcmp(argv[1], "positive") && strcmp(argv[1], "negative"))) {
		fprintf(stderr, "usage: btfcheck positive|negative DIR [--kfuncs LIST] MODULE...\n");
		return 2;
	}
	negative = !strcmp(argv[1], "negative");
	libbpf_set_print(log_libbpf);
	if (argc > 4 && !strcmp(argv[3], "--kfuncs")) {
		kfuncs = argv[4];
		m = 5;
	}

	vmlinux = check_vmlinux_btf();
	if (vmlinux && kfuncs)
		check_kfuncs(kfuncs, vmlinux);
	for (; vmlinux && m < argc; m++)
		check_module_btf(argv[m], vmlinux);
	for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		run_check(argv[2], &checks[i], negative);
	btf__free(vmlinux);

	printf("btfcheck: %d passed, %d failed\n", passed, failed);
	fflush(stdout);
	return failed ? 1 : 0;
}
