// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_stages.c - unit tests of libbtfids' stages, each driven through its
 * own interface (collect.h, transform.h, finalize.h, resolve.h, emit.h,
 * names.h, file.h) on inputs crafted in memory with libbpf, and of the
 * public two-step writing. End-to-end behaviour against resolve_btfids is
 * the differential suite's job.
 *
 * Prints one line per check that fails and closes with "N passed, N failed".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "collect.h"
#include "emit.h"
#include "file.h"
#include "finalize.h"
#include "kfuncs.h"
#include "release.h"
#include "resolve.h"
#include "transform.h"

static int passed, failed;
static const char *current;

#define CHECK(cond, ...)						\
	do {								\
		if (cond) {						\
			passed++;					\
		} else {					\
			failed++;					\
			printf("FAIL %s:%d %s: ", __FILE__, __LINE__, current); \
			printf(__VA_ARGS__);				\
			printf("\n");					\
		}							\
	} while (0)

static char log_buf[4096];

static void capture_log(void *ctx, enum btfids_log_level level, const char *fmt, va_list args)
{
	size_t len = strlen(log_buf);

	vsnprintf(log_buf + len, sizeof(log_buf) - len, fmt, args);
}

/* crafted objects carry no release: they name theirs */
static struct btfids_opts test_opts = { .sz = sizeof(test_opts), .log = capture_log,
					.kernel = "7.2" };
static struct btfids_log lg = { .opts = &test_opts };

/* A placeholder table with @n words, as collect would hand it on. */
static void init_ph(struct btfids_placeholders *ph, const __u32 *w, size_t n)
{
	memset(ph, 0, sizeof(*ph));
	ph->has_ids = true;
	ph->words = malloc(n * BTFIDS_WORD_SIZE + BTFIDS_WORD_SIZE);
	if (n)
		memcpy(ph->words, w, n * BTFIDS_WORD_SIZE);
	ph->size = n * BTFIDS_WORD_SIZE;
	log_buf[0] = 0;
}

/* A placeholder at each of @offs (bytes), as collect would record it. */
static struct btfids_sym *add_sym(struct btfids_placeholders *ph, enum btfids_ns ns,
				  enum btfids_sym_kind kind, const char *name,
				  const __u32 *offs, int nr)
{
	struct btfids_sym *s;
	bool added;
	int i;

	s = btfids_table_add(&ph->ns[ns], name, strlen(name), &added);
	s->kind = kind;
	for (i = 0; i < nr; i++) {
		btfids_sym_add_off(s, offs[i]);
		if (kind == BTFIDS_SYM_ID)
			ph->ns[ns].nr_elf_syms++;
		ph->at = realloc(ph->at, (ph->nr_at + 1) * sizeof(*ph->at));
		ph->at[ph->nr_at++] = (struct btfids_at){ .off = offs[i], .ns = ns,
							  .name = s - ph->ns[ns].syms };
	}
	return s;
}

/* The stages up to the final layout, on @btf and @ph. */
static int finish_btf(const struct btfids_placeholders *ph, const struct btf *btf,
		      struct btfids_edit *e, struct btfids_final *f)
{
	int err;

	memset(f, 0, sizeof(*f));
	err = btfids_transform(&lg, "crafted.btf", ph, btf, e);
	return err ? err : btfids_finalize(&lg, "crafted.btf", e, false, f);
}

/* The final BTF of @f, parsed (the caller frees it). */
static struct btf *final_btf(const struct btfids_final *f)
{
	return btf__new(f->raw, f->raw_size);
}

static void test_names(void)
{
	struct btfids_names n = {};
	struct btfids_table t = {};
	struct btfids_sym *s;
	char name[32];
	__u32 *order, i, bad;
	bool added;
	int idx;

	current = "names";
	for (i = 0, bad = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "name_%u", i * 7919 % 1000);
		idx = btfids_names_add(&n, name, strlen(name), &added);
		bad += idx != (int)i || !added;
	}
	CHECK(!bad && n.nr == 1000, "1000 distinct names added, indices in order (%u failed)", bad);
	idx = btfids_names_add(&n, "name_5xyz", 6, &added);
	CHECK(idx >= 0 && !added && !strcmp(btfids_names_at(&n, idx), "name_5"),
	      "prefix length add finds name_5");
	CHECK(btfids_names_find(&n, "name_999") >= 0, "find name_999");
	CHECK(btfids_names_find(&n, "name_1000") < 0, "no name_1000");
	CHECK(btfids_names_find(&n, "name_") < 0, "no name_");
	order = btfids_names_sorted_desc(&n);
	for (i = 1, bad = 0; i < n.nr; i++)
		bad += strcmp(btfids_names_at(&n, order[i - 1]), btfids_names_at(&n, order[i])) <= 0;
	CHECK(!bad, "names sorted descending (%u out of order)", bad);
	free(order);
	btfids_names_free(&n);

	current = "placeholder table";
	s = btfids_table_add(&t, "f", 1, &added);
	for (i = 0, bad = 0; i < 250; i++)
		bad += btfids_sym_add_off(s, i * 4) != 0;
	CHECK(!bad && s->nr_offs == 250, "250 offsets on one name (no cap), got %u", s->nr_offs);
	CHECK(btfids_table_add(&t, "f", 1, &added) == s && !added, "the same name, the same entry");
	free(t.syms[0].offs);
	free(t.syms);
	btfids_names_free(&t.names);
}

/* Names sharing 8-byte prefixes, exactly 8 long, repeated, and anonymous. */
static const char *const sort_names[] = {
	"task_struct", "", "task_str", "task_stru", "a", "task_struct", "",
	"zz", "task_st", "\xff", "abcdefgh", "abcdefgh", "abcdefghi", "abcdefg",
	"", "sk_buff", "task_struct", "abcdefgh\xff", "abcdefgh\x01",
};

static void test_sort(void)
{
	int nr = sizeof(sort_names) / sizeof(sort_names[0]), i;
	struct btfids_placeholders ph;
	struct btf *btf = btf__new_empty(), *out;
	struct btfids_edit e;
	struct btfids_final f;
	const char *prev = NULL;
	__u32 prev_size = 0;

	current = "sort by name";
	init_ph(&ph, NULL, 0);
	/* the struct size records the original position */
	for (i = 0; i < nr; i++)
		btf__add_struct(btf, sort_names[i][0] ? sort_names[i] : NULL, i);
	CHECK(!finish_btf(&ph, btf, &e, &f), "finalize");
	out = final_btf(&f);
	CHECK(out && btf__type_cnt(out) == (__u32)nr + 1, "type count kept");
	for (i = 1; out && i <= nr; i++) {
		const struct btf_type *t = btf__type_by_id(out, i);
		const char *name = btf__name_by_offset(out, t->name_off);

		if (prev) {
			int cmp = strcmp(prev, name);

			CHECK(cmp < 0 || (cmp == 0 && prev_size < t->size),
			      "[%d] '%s'(%u) after '%s'(%u)", i, name, t->size, prev, prev_size);
		}
		prev = name;
		prev_size = t->size;
	}
	CHECK(btfids_final_type(&f, 1) && btfids_final_type(&f, 1)->size == 1,
	      "final id 1 is the first anonymous type");
	btf__free(out);
	btfids_final_free(&f);
	btfids_edit_free(&e);
	btfids_placeholders_free(&ph);
	btf__free(btf);
}

static void test_resolve(void)
{
	/* list: struct a, func f, func f, func gone; set: 3 ids; set8: 3 pairs */
	static const __u32 words[] = {
		0, 0, 0, 0,
		0, 0, 0, 0,
		0, 7, 0, 0x11, 0, 0x22, 0, 0x33,
	};
	static const __u32 off_a[] = { 0 }, off_f[] = { 4, 8 }, off_gone[] = { 12 };
	static const __u32 off_set[] = { 16 }, off_set8[] = { 32 };
	static const __u32 off_y[] = { 20, 40 }, off_x[] = { 24, 48 }, off_w[] = { 28, 56 };
	struct btfids_placeholders ph, none;
	struct btf *btf = btf__new_empty();
	struct btfids_resolved r;
	struct btfids_edit e;
	struct btfids_final f;
	int int_id, proto;
	__u32 *w;

	current = "resolve";
	int_id = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);	/* 1 */
	btf__add_struct(btf, "a", 4);				/* 2 */
	proto = btf__add_func_proto(btf, int_id);		/* 3 */
	btf__add_func(btf, "y", BTF_FUNC_GLOBAL, proto);	/* 4 */
	btf__add_func(btf, "f", BTF_FUNC_GLOBAL, proto);	/* 5 */
	btf__add_func(btf, "x", BTF_FUNC_GLOBAL, proto);	/* 6 */
	btf__add_func(btf, "f", BTF_FUNC_STATIC, proto);	/* 7: second 'f' */
	btf__add_struct(btf, "f", 4);				/* 8: other kind */
	/*
	 * sorted: 1 proto, 2 a, 3 f (global), 4 f (static), 5 struct f,
	 * 6 int, 7 x, 8 y
	 */
	init_ph(&none, NULL, 0);
	CHECK(!finish_btf(&none, btf, &e, &f), "finalize");

	init_ph(&ph, words, sizeof(words) / 4);
	add_sym(&ph, BTFIDS_NS_STRUCT, BTFIDS_SYM_ID, "a", off_a, 1);
	add_sym(&ph, BTFIDS_NS_FUNC, BTFIDS_SYM_ID, "f", off_f, 2);
	add_sym(&ph, BTFIDS_NS_FUNC, BTFIDS_SYM_ID, "gone", off_gone, 1);
	add_sym(&ph, BTFIDS_NS_FUNC, BTFIDS_SYM_ID, "y", off_y, 2);
	add_sym(&ph, BTFIDS_NS_FUNC, BTFIDS_SYM_ID, "x", off_x, 2);
	add_sym(&ph, BTFIDS_NS_FUNC, BTFIDS_SYM_ID, "w", off_w, 2);
	add_sym(&ph, BTFIDS_NS_SET, BTFIDS_SYM_SET, "s", off_set, 1)->cnt = 3;
	add_sym(&ph, BTFIDS_NS_SET, BTFIDS_SYM_SET8, "s8", off_set8, 1)->cnt = 3;

	CHECK(!btfids_resolve(&lg, "crafted.o", "crafted.btf", &ph, &f, &r), "resolve");
	w = r.words;
	CHECK(w[0] == 2, "struct a -> 2, got %u", w[0]);
	CHECK(w[1] == 3 && w[2] == 3, "both offsets of f -> 3");
	CHECK(w[3] == 0, "gone stays 0");
	CHECK(r.warnings == 3, "warnings: multiple f, unresolved gone, unresolved w; got %u",
	      r.warnings);
	CHECK(strstr(log_buf, "WARN: multiple IDs found for 'f': 3, 4 - using 3\n") != NULL,
	      "multiple-ids wording: %s", log_buf);
	CHECK(strstr(log_buf, "WARN: resolve_btfids: unresolved symbol gone\n") != NULL,
	      "unresolved wording");
	/* descending name order: w before gone */
	CHECK(strstr(log_buf, "symbol w\n") < strstr(log_buf, "symbol gone\n"),
	      "unresolved names reported in descending order");
	/* set: cnt 3, ids (y=8, x=7, w=0) sorted */
	CHECK(w[4] == 3, "set count");
	CHECK(w[5] == 0 && w[6] == 7 && w[7] == 8, "set sorted: %u %u %u", w[5], w[6], w[7]);
	/* set8: header flags kept, pairs sorted by id with their flags */
	CHECK(w[8] == 3 && w[9] == 7, "set8 count and header flags");
	CHECK(w[10] == 0 && w[11] == 0x33 && w[12] == 7 && w[13] == 0x22 &&
	      w[14] == 8 && w[15] == 0x11, "set8 pairs sorted with flags");
	CHECK(ph.words[0] == 0 && ph.words[4] == 0, "the collected words are left alone");
	btfids_resolved_free(&r);
	btfids_final_free(&f);
	btfids_edit_free(&e);
	btfids_placeholders_free(&ph);
	btfids_placeholders_free(&none);
	btf__free(btf);
}

static void test_set8_stable(void)
{
	/* four unresolved entries: equal ids keep their flags' order */
	static const __u32 words[] = { 0, 0, 0, 1, 0, 2, 0, 3, 0, 4 };
	static const __u32 off[] = { 0 };
	struct btfids_placeholders ph, none;
	struct btf *btf = btf__new_empty();
	struct btfids_resolved r;
	struct btfids_edit e;
	struct btfids_final f;
	int i;

	current = "set8 stable";
	init_ph(&none, NULL, 0);
	CHECK(!finish_btf(&none, btf, &e, &f), "finalize");
	init_ph(&ph, words, sizeof(words) / 4);
	add_sym(&ph, BTFIDS_NS_SET, BTFIDS_SYM_SET8, "s8", off, 1)->cnt = 4;
	CHECK(!btfids_resolve(&lg, "crafted.o", "crafted.btf", &ph, &f, &r), "resolve");
	for (i = 0; i < 4; i++)
		CHECK(r.words[3 + 2 * i] == (__u32)i + 1, "pair %d keeps flags %d", i, i + 1);
	btfids_resolved_free(&r);
	btfids_final_free(&f);
	btfids_edit_free(&e);
	btfids_placeholders_free(&ph);
	btfids_placeholders_free(&none);
	btf__free(btf);
}

static int find_func(const struct btf *btf, const char *name)
{
	return btf__find_by_name_kind(btf, name, BTF_KIND_FUNC);
}

static int count_funcs(const struct btf *btf, const char *name)
{
	__u32 id, n = btf__type_cnt(btf);
	int nr = 0;

	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		nr += btf_is_func(t) && !strcmp(btf__name_by_offset(btf, t->name_off), name);
	}
	return nr;
}

/* The decl tag named @tag on @func_id, or NULL. */
static const struct btf_type *find_tag(const struct btf *btf, int func_id, const char *tag)
{
	__u32 id, n = btf__type_cnt(btf);

	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (btf_is_decl_tag(t) && t->type == (__u32)func_id &&
		    !strcmp(btf__name_by_offset(btf, t->name_off), tag))
			return t;
	}
	return NULL;
}

static const struct btf_type *proto_of(const struct btf *btf, const char *func)
{
	int id = find_func(btf, func);

	return id > 0 ? btf__type_by_id(btf, btf__type_by_id(btf, id)->type) : NULL;
}

static void test_transform(void)
{
	/* set8 kfuncs: 'k' implicit, 'legacy' implicit with _impl, 'plain' not */
	static const __u32 words[] = { 3, 1, 0, 1 << 16, 0, 1 << 16, 0, 0 };
	static const __u32 off_set8[] = { 0 }, off_k[] = { 8 }, off_legacy[] = { 16 },
			   off_plain[] = { 24 };
	struct btfids_placeholders ph;
	struct btf *btf = btf__new_empty(), *out;
	int int_id, aux, aux_ptr, proto, k, legacy, plain;
	struct btfids_edit e;
	struct btfids_final f;
	const struct btf_type *t;
	__u32 n_before;

	current = "transform";
	int_id = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	aux = btf__add_struct(btf, "bpf_prog_aux", 0);
	aux_ptr = btf__add_ptr(btf, btf__add_const(btf, aux));
	proto = btf__add_func_proto(btf, int_id);
	btf__add_func_param(btf, "x", int_id);
	btf__add_func_param(btf, "aux", aux_ptr);
	btf__add_func_param(btf, "after", int_id);
	k = btf__add_func(btf, "k", BTF_FUNC_GLOBAL, proto);
	legacy = btf__add_func(btf, "legacy", BTF_FUNC_GLOBAL, proto);
	plain = btf__add_func(btf, "plain", BTF_FUNC_GLOBAL, proto);
	btf__add_func(btf, "legacy_impl", BTF_FUNC_GLOBAL, proto);
	btf__add_decl_tag(btf, "bpf_kfunc", k, -1);
	btf__add_decl_tag(btf, "bpf_kfunc", legacy, -1);
	btf__add_decl_tag(btf, "bpf_kfunc", plain, -1);
	btf__add_decl_tag(btf, "bpf_fastcall", k, -1);
	btf__add_decl_attr(btf, "nonnull", k, 0);
	n_before = btf__type_cnt(btf);

	init_ph(&ph, words, sizeof(words) / 4);
	add_sym(&ph, BTFIDS_NS_SET, BTFIDS_SYM_SET8, "kfuncs", off_set8, 1)->cnt = 3;
	add_sym(&ph, BTFIDS_NS_FUNC, BTFIDS_SYM_ID, "k", off_k, 1);
	add_sym(&ph, BTFIDS_NS_FUNC, BTFIDS_SYM_ID, "legacy", off_legacy, 1);
	add_sym(&ph, BTFIDS_NS_FUNC, BTFIDS_SYM_ID, "plain", off_plain, 1);

	CHECK(!finish_btf(&ph, btf, &e, &f), "transform: %s", log_buf);
	CHECK(btf__type_cnt(btf) == n_before, "the input BTF is left alone");
	out = final_btf(&f);
	if (!out) {
		CHECK(0, "final BTF parses");
		goto out;
	}
	/* k_impl, 2 copied tags, k's proto; legacy's proto: 5 new types */
	CHECK(btf__type_cnt(out) == n_before + 5, "5 types added, got %d",
	      (int)btf__type_cnt(out) - (int)n_before);
	t = proto_of(out, "k_impl");
	CHECK(t && btf_is_func_proto(t) && btf_vlen(t) == 3, "k_impl has the original prototype");
	t = find_tag(out, find_func(out, "k_impl"), "bpf_fastcall");
	CHECK(t && !btf_kflag(t) && btf_decl_tag(t)->component_idx == -1,
	      "bpf_fastcall copied to k_impl");
	t = find_tag(out, find_func(out, "k_impl"), "nonnull");
	CHECK(t && btf_kflag(t) && btf_decl_tag(t)->component_idx == 0,
	      "nonnull attribute copied with its component");
	CHECK(!find_tag(out, find_func(out, "k_impl"), "bpf_kfunc"), "bpf_kfunc not copied");
	t = proto_of(out, "k");
	CHECK(t && btf_vlen(t) == 1 && !strcmp(btf__name_by_offset(out, btf_params(t)[0].name_off), "x"),
	      "k's new prototype keeps only the arguments before the implicit one");
	t = proto_of(out, "legacy");
	CHECK(t && btf_vlen(t) == 1 && count_funcs(out, "legacy_impl") == 1,
	      "legacy: new prototype, no second _impl");
	t = proto_of(out, "plain");
	CHECK(t && btf_vlen(t) == 3, "plain kfunc untouched");
	btf__free(out);
out:
	btfids_final_free(&f);
	btfids_edit_free(&e);
	btfids_placeholders_free(&ph);
	btf__free(btf);
}

/* A host's BTF is not validated by a parse: bad kfunc shapes fail cleanly. */
static void test_transform_errors(void)
{
	static const __u32 words[] = { 1, 1, 0, 1 << 16 };
	static const __u32 off_set8[] = { 0 }, off_k[] = { 8 };
	struct btfids_placeholders ph;
	struct btfids_edit e;
	char long_name[520];
	struct btf *btf;
	int int_id, k;

	current = "transform errors";
	btf = btf__new_empty();
	int_id = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	k = btf__add_func(btf, "k", BTF_FUNC_GLOBAL, int_id);	/* not a prototype */
	btf__add_decl_tag(btf, "bpf_kfunc", k, -1);
	init_ph(&ph, words, 4);
	add_sym(&ph, BTFIDS_NS_SET, BTFIDS_SYM_SET8, "kfuncs", off_set8, 1)->cnt = 1;
	add_sym(&ph, BTFIDS_NS_FUNC, BTFIDS_SYM_ID, "k", off_k, 1);
	CHECK(btfids_transform(&lg, "crafted.btf", &ph, btf, &e) == -EINVAL &&
	      strstr(log_buf, "kfunc k [2]: type 1 is not a function prototype"),
	      "a kfunc without a prototype is refused: %s", log_buf);
	btfids_edit_free(&e);
	btfids_placeholders_free(&ph);
	btf__free(btf);

	btf = btf__new_empty();
	memset(long_name, 'n', 509);
	long_name[509] = 0;	/* + "_impl" does not fit KSYM_NAME_LEN */
	int_id = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	k = btf__add_func(btf, long_name, BTF_FUNC_GLOBAL, btf__add_func_proto(btf, int_id));
	btf__add_decl_tag(btf, "bpf_kfunc", k, -1);
	init_ph(&ph, words, 4);
	add_sym(&ph, BTFIDS_NS_SET, BTFIDS_SYM_SET8, "kfuncs", off_set8, 1)->cnt = 1;
	add_sym(&ph, BTFIDS_NS_FUNC, BTFIDS_SYM_ID, long_name, off_k, 1);
	CHECK(btfids_transform(&lg, "crafted.btf", &ph, btf, &e) == -E2BIG &&
	      strstr(log_buf, "kfunc name too long"),
	      "an _impl name past KSYM_NAME_LEN is refused: %s", log_buf);
	btfids_edit_free(&e);
	btfids_placeholders_free(&ph);
	btf__free(btf);
}

/* names of the regular files in @dir, sorted, space separated */
static void dir_files(const char *dir, char *buf, size_t size)
{
	char cmd[512];
	FILE *p;
	size_t n;

	snprintf(cmd, sizeof(cmd), "cd '%s' && ls | sort | tr '\\n' ' '", dir);
	p = popen(cmd, "r");
	n = p ? fread(buf, 1, size - 1, p) : 0;
	buf[n] = 0;
	if (p)
		pclose(p);
}

static void test_emit(void)
{
	static const __u32 words[] = { 0x01020304, 5 };
	char *paths[BTFIDS_OUT_NR] = {};
	__u32 *out;

	current = "emit";
	CHECK(!btfids_emit_ids(words, 8, true, (void **)&out) &&
	      out[0] == 0x04030201 && out[1] == 0x05000000, "words go back to the target's order");
	free(out);
	CHECK(!btfids_emit_ids(words, 8, false, (void **)&out) && out[0] == words[0],
	      "or stay in the host's");
	free(out);
	CHECK(!btfids_output_paths("dir/x.ko.BTF", paths) &&
	      !strcmp(paths[BTFIDS_OUT_BTF], "dir/x.ko.BTF") &&
	      !strcmp(paths[BTFIDS_OUT_BTF_BASE], "dir/x.ko.BTF.base") &&
	      !strcmp(paths[BTFIDS_OUT_BTF_IDS], "dir/x.ko.BTF_ids"),
	      "resolve_btfids' names for X.BTF");
	btfids_output_paths_free(paths);
	CHECK(!btfids_output_paths("out.raw", paths) &&
	      !strcmp(paths[BTFIDS_OUT_BTF_BASE], "out.raw.base") &&
	      !strcmp(paths[BTFIDS_OUT_BTF_IDS], "out.raw.BTF_ids"), "names for another BTF file name");
	btfids_output_paths_free(paths);
}

/* An ELF64 header and nothing else: an object without sections. */
static int write_empty_elf(const char *path)
{
	unsigned char ehdr[64] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
	FILE *fp = fopen(path, "w");
	int ok;

	ehdr[16] = 1;			/* ET_REL */
	ehdr[18] = 62;			/* EM_X86_64 */
	ehdr[20] = 1;			/* EV_CURRENT */
	ehdr[52] = 64;			/* e_ehsize */
	ehdr[58] = 64;			/* e_shentsize */
	ok = fp && fwrite(ehdr, sizeof(ehdr), 1, fp) == 1;
	return fp && !fclose(fp) && ok ? 0 : -1;
}

/* Two-step writing: nothing appears before the commit, nothing without it. */
static void test_prepare_commit(void)
{
	char dir[] = "/tmp/btfids-unit-XXXXXX", elf[256], path[256], list[512];
	struct btf *btf = btf__new_empty();
	struct btfids *b;
	int i;

	current = "prepare and commit";
	CHECK(mkdtemp(dir) != NULL, "mkdtemp");
	snprintf(elf, sizeof(elf), "%s/x.o", dir);
	snprintf(path, sizeof(path), "%s/x.o.BTF", dir);
	CHECK(!write_empty_elf(elf), "an ELF without sections");
	btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	for (i = 0; i < 2; i++) {
		b = btfids__new(elf, &test_opts);
		log_buf[0] = 0;
		CHECK(b && !btfids__set_btf(b, btf, NULL) && !btfids__run(b), "run: %s", log_buf);
		CHECK(!btfids__prepare_output(b, BTFIDS_OUT_BTF, path), "prepare");
		CHECK(access(path, F_OK), "not in place before the commit");
		if (i)
			CHECK(!btfids__commit(b), "commit");
		btfids__free(b);
		dir_files(dir, list, sizeof(list));
		if (i)
			CHECK(!strcmp(list, "x.o x.o.BTF "), "committed: the file, no temporary [%s]", list);
		else
			CHECK(!strcmp(list, "x.o "), "freed without a commit: nothing left [%s]", list);
	}
	btf__free(btf);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	CHECK(system(path) == 0, "cleanup");
}

/* one file through the set writer */
static int write_one(struct btfids_log *lg, const char *path, const char *text)
{
	struct btfids_file_out out = {
		.path = path, .data = text, .size = strlen(text), .mode = 0666,
	};

	return btfids_write_set(lg, &out, 1);
}

static void test_files(void)
{
	char dir[] = "/tmp/btfids-unit-XXXXXX", path[256], fifo[256], bad[256], list[512];
	struct btfids_file_out set[2];
	unsigned int before;
	struct stat st;
	size_t size;
	void *data;

	current = "atomic files";
	CHECK(mkdtemp(dir) != NULL, "mkdtemp");
	snprintf(path, sizeof(path), "%s/out", dir);
	CHECK(!write_one(&lg, path, "new"), "create");
	CHECK(!stat(path, &st) && st.st_size == 3, "created 3 bytes");
	chmod(path, 0600);
	CHECK(!write_one(&lg, path, "newer"), "replace");
	CHECK(!stat(path, &st) && st.st_size == 5 && (st.st_mode & 0777) == 0600,
	      "replaced, mode kept");
	CHECK(!btfids_read_file(&lg, path, &data, &size) && size == 5 &&
	      !memcmp(data, "newer", 5), "read back");
	free(data);

	log_buf[0] = 0;
	CHECK(btfids_read_file(&lg, dir, &data, &size) == -EINVAL &&
	      strstr(log_buf, "not a regular file"), "a directory is refused");
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	mkfifo(fifo, 0600);
	log_buf[0] = 0;
	CHECK(btfids_read_file(&lg, fifo, &data, &size) == -EINVAL, "a FIFO is refused, unblocked");
	unlink(fifo);

	/* a set with one unwritable member changes nothing and leaves no temporary */
	current = "output sets";
	snprintf(bad, sizeof(bad), "%s/missing/out", dir);
	set[0] = (struct btfids_file_out){ .path = path, .data = "set", .size = 3, .mode = 0666 };
	set[1] = (struct btfids_file_out){ .path = bad, .data = "x", .size = 1, .mode = 0666 };
	log_buf[0] = 0;
	before = lg.nr_errors;
	CHECK(btfids_write_set(&lg, set, 2) < 0 && strstr(log_buf, "cannot create") &&
	      lg.nr_errors == before + 1, "the set fails, one error line: %s", log_buf);
	CHECK(!btfids_read_file(&lg, path, &data, &size) && size == 5 &&
	      !memcmp(data, "newer", 5), "the other member is unchanged");
	free(data);
	dir_files(dir, list, sizeof(list));
	CHECK(!strcmp(list, "out "), "no temporary is left: [%s]", list);

	if (geteuid() == 0) {
		/* root ignores modes; a missing directory still cannot be written */
		snprintf(path, sizeof(path), "%s/missing/out", dir);
	} else {
		chmod(dir, 0500);
	}
	log_buf[0] = 0;
	CHECK(write_one(&lg, path, "x") < 0 &&
	      strstr(log_buf, "cannot create"), "unwritable destination fails: %s", log_buf);
	chmod(dir, 0700);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	CHECK(system(path) == 0, "cleanup");
}


/* The release rows, and how a version string reads. */
static void test_release(void)
{
	static const struct { const char *s; int major, minor; } ok[] = {
		{ "7.3", 7, 3 }, { "7.3.0-rc7", 7, 3 }, { "7.2.13+deb14-cloud-amd64", 7, 2 },
		{ "7.3-cloud-amd64", 7, 3 }, { "7.30", 7, 30 }, { "10.1.2", 10, 1 },
	};
	static const char *const bad[] = { "7", "x.y", "7.", ".3", "", "12345.1", "7.3a" };
	int major, minor;
	unsigned int i;

	current = "release";
	for (i = 0; i < btfids_nr_releases; i++)
		CHECK(btfids_release_consistent(&btfids_releases[i]) &&
		      btfids_release_find(btfids_releases[i].major, btfids_releases[i].minor) ==
		      &btfids_releases[i], "row %s is consistent and found", btfids_releases[i].name);
	CHECK(!strcmp(btfids_release_list(), "7.2, 7.3"), "list: %s", btfids_release_list());
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		CHECK(!btfids_release_parse(ok[i].s, &major, &minor) && major == ok[i].major &&
		      minor == ok[i].minor, "'%s' is %d.%d", ok[i].s, ok[i].major, ok[i].minor);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(btfids_release_parse(bad[i], &major, &minor), "'%s' is refused", bad[i]);
	CHECK(!btfids_release_find(7, 1) && !btfids_release_find(7, 4), "7.1 and 7.4 are not rows");
	/* a row that finds kfuncs from tags cannot emit tags: the 7.2 stage would not */
	CHECK(!btfids_release_consistent(&(struct btfids_release){
		      .kfuncs = BTFIDS_KFUNCS_FROM_TAGS, .emit_kfunc_tags = true }),
	      "tags and emitting tags do not go together");
}

/*
 * A kfunc set for kfuncs.c: 'k' (KF_IMPLICIT_ARGS | KF_FASTCALL |
 * KF_ARENA_ARG1, in two sets with flags that agree or not), 'a'
 * (KF_ARENA_RET, a parameter named p__arena). Types: int, struct s,
 * struct bpf_prog_aux, pointers to them; k(s *o, int n, aux *aux) and
 * a(s *p__arena) returning s *.
 */
struct kf_case {
	struct btf *base, *btf;
	struct btfids_placeholders ph;
	int k, a;
};

static void kf_case_init(struct kf_case *c, __u32 second_flags, bool impl_in_base)
{
	/* set8 "s1": k, a; set8 "s2": k again */
	const __u32 w[] = { 2, 1, 0, (1 << 16) | (1 << 12) | (1 << 14), 0, 1 << 13,
			    1, 1, 0, second_flags };
	static const __u32 o_s1[] = { 0 }, o_k1[] = { 8 }, o_a[] = { 16 }, o_s2[] = { 24 },
			   o_k2[] = { 32 };
	int i, s, aux, ps, paux, pk, pa;

	memset(c, 0, sizeof(*c));
	c->base = btf__new_empty();
	i = btf__add_int(c->base, "int", 4, BTF_INT_SIGNED);
	s = btf__add_struct(c->base, "s", 0);
	aux = btf__add_struct(c->base, "bpf_prog_aux", 0);
	ps = btf__add_ptr(c->base, s);
	paux = btf__add_ptr(c->base, aux);
	if (impl_in_base)
		btf__add_func(c->base, "k_impl", BTF_FUNC_GLOBAL,
			      btf__add_func_proto(c->base, i));
	c->btf = btf__new_empty_split(c->base);
	pk = btf__add_func_proto(c->btf, i);
	btf__add_func_param(c->btf, "o", ps);
	btf__add_func_param(c->btf, "n", i);
	btf__add_func_param(c->btf, "aux", paux);
	c->k = btf__add_func(c->btf, "k", BTF_FUNC_GLOBAL, pk);
	pa = btf__add_func_proto(c->btf, ps);
	btf__add_func_param(c->btf, "p__arena", ps);
	c->a = btf__add_func(c->btf, "a", BTF_FUNC_GLOBAL, pa);
	init_ph(&c->ph, w, sizeof(w) / 4);
	add_sym(&c->ph, BTFIDS_NS_SET, BTFIDS_SYM_SET8, "s1", o_s1, 1)->cnt = 2;
	add_sym(&c->ph, BTFIDS_NS_FUNC, BTFIDS_SYM_ID, "k", o_k1, 1);
	add_sym(&c->ph, BTFIDS_NS_FUNC, BTFIDS_SYM_ID, "a", o_a, 1);
	add_sym(&c->ph, BTFIDS_NS_SET, BTFIDS_SYM_SET8, "s2", o_s2, 1)->cnt = 1;
	add_sym(&c->ph, BTFIDS_NS_FUNC, BTFIDS_SYM_ID, "k", o_k2, 1);
}

static void kf_case_free(struct kf_case *c)
{
	btfids_placeholders_free(&c->ph);
	btf__free(c->btf);
	btf__free(c->base);
}

static int count_tags(const struct btf *btf, int id, const char *tag)
{
	int n = 0, i, cnt = btf__type_cnt(btf);

	for (i = 1; i < cnt; i++) {
		const struct btf_type *t = btf__type_by_id(btf, i);

		n += btf_is_decl_tag(t) && (int)t->type == id &&
		     !strcmp(btf__name_by_offset(btf, t->name_off), tag);
	}
	return n;
}

/* Does pointer type @id point to address_space(1)? */
static bool arena_ptr(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	t = t && btf_is_ptr(t) ? btf__type_by_id(btf, t->type) : NULL;
	return t && btf_is_type_tag(t) && btf_kflag(t) &&
	       !strcmp(btf__name_by_offset(btf, t->name_off), "address_space(1)");
}

static int run_kfuncs(struct kf_case *c, const struct btfids_release *r, unsigned int *warnings)
{
	log_buf[0] = 0;
	return btfids_kfuncs_transform(&lg, "crafted.btf", r, &c->ph, c->btf, warnings);
}

/* Each switch of a release row that kfuncs.c carries out, one at a time. */
static void test_kfunc_switches(void)
{
	struct btfids_release r = *btfids_release_find(7, 3);
	const struct btf_type *k, *a, *p;
	unsigned int warnings = 0;
	struct kf_case c;

	current = "kfunc switches";
	kf_case_init(&c, (1 << 16) | (1 << 12) | (1 << 14), false);
	CHECK(!run_kfuncs(&c, &r, &warnings) && !warnings, "7.3: %s", log_buf);
	CHECK(count_tags(c.btf, c.k, "bpf_kfunc") == 1 && count_tags(c.btf, c.a, "bpf_kfunc") == 1,
	      "one bpf_kfunc tag per kfunc, however many sets list it");
	CHECK(count_tags(c.btf, c.k, "bpf_fastcall") == 1 && !count_tags(c.btf, c.a, "bpf_fastcall"),
	      "bpf_fastcall on the KF_FASTCALL kfunc only");
	CHECK(count_tags(c.btf, find_func(c.btf, "k_impl"), "bpf_fastcall") == 1 &&
	      !count_tags(c.btf, find_func(c.btf, "k_impl"), "bpf_kfunc"),
	      "k_impl gets bpf_fastcall, not bpf_kfunc");
	k = btf__type_by_id(c.btf, btf__type_by_id(c.btf, c.k)->type);
	a = btf__type_by_id(c.btf, btf__type_by_id(c.btf, c.a)->type);
	CHECK(btf_vlen(k) == 2 && arena_ptr(c.btf, btf_params(k)[0].type) &&
	      !arena_ptr(c.btf, btf_params(k)[1].type),
	      "k: implicit argument dropped, then KF_ARENA_ARG1 on its first");
	CHECK(arena_ptr(c.btf, a->type) && arena_ptr(c.btf, btf_params(a)[0].type),
	      "a: KF_ARENA_RET and the p__arena parameter");
	p = btf__type_by_id(c.btf, btf__type_by_id(c.btf, find_func(c.btf, "k_impl"))->type);
	CHECK(btf_vlen(p) == 3 && !arena_ptr(c.btf, btf_params(p)[0].type),
	      "k_impl keeps the original prototype");
	kf_case_free(&c);

	r.emit_kfunc_tags = false;
	r.arena_attrs = false;
	kf_case_init(&c, (1 << 16) | (1 << 12) | (1 << 14), false);
	CHECK(!run_kfuncs(&c, &r, &warnings), "tags and arena off: %s", log_buf);
	CHECK(!count_tags(c.btf, c.k, "bpf_kfunc") && !count_tags(c.btf, c.k, "bpf_fastcall"),
	      "emit_kfunc_tags off: no tags");
	a = btf__type_by_id(c.btf, btf__type_by_id(c.btf, c.a)->type);
	CHECK(!arena_ptr(c.btf, a->type) && find_func(c.btf, "k_impl") > 0,
	      "arena_attrs off: no attributes; the implicit-args rewrite stays");
	kf_case_free(&c);

	r = *btfids_release_find(7, 3);
	kf_case_init(&c, 1 << 7, false);
	CHECK(run_kfuncs(&c, &r, &warnings) == -EINVAL && strstr(log_buf, "kfunc k has other flags"),
	      "flags_must_agree: refused: %s", log_buf);
	kf_case_free(&c);
	r.flags_must_agree = false;
	kf_case_init(&c, 1 << 7, false);
	CHECK(!run_kfuncs(&c, &r, &warnings) && find_func(c.btf, "k_impl") < 0 &&
	      !count_tags(c.btf, c.k, "bpf_fastcall"),
	      "flags_must_agree off: the first set's flags win (s2: sets by name descending): %s",
	      log_buf);
	kf_case_free(&c);

	r = *btfids_release_find(7, 3);
	kf_case_init(&c, (1 << 16) | (1 << 12) | (1 << 14), true);
	CHECK(!run_kfuncs(&c, &r, &warnings) && count_funcs(c.btf, "k_impl") == 2,
	      "impl_own_only: the base's k_impl does not count, an own one is added");
	kf_case_free(&c);
	r.impl_own_only = false;
	kf_case_init(&c, (1 << 16) | (1 << 12) | (1 << 14), true);
	CHECK(!run_kfuncs(&c, &r, &warnings) && count_funcs(c.btf, "k_impl") == 1,
	      "impl_own_only off: the base's k_impl counts, none is added");
	kf_case_free(&c);
}

/* The dedup switch: 7.3 folds split types that repeat the base, 7.2 does not. */
static void test_dedup_switch(void)
{
	char dir[] = "/tmp/btfids-unit-XXXXXX", elf[256];
	const char *rel[] = { "7.2", "7.3" };
	struct btf *base = btf__new_empty(), *btf, *out;
	struct btfids_opts o = test_opts;
	struct btfids *b;
	int i, n[2] = {};

	current = "dedup switch";
	CHECK(mkdtemp(dir) != NULL, "mkdtemp");
	snprintf(elf, sizeof(elf), "%s/m.ko", dir);
	CHECK(!write_empty_elf(elf), "an ELF without sections");
	btf__add_int(base, "int", 4, BTF_INT_SIGNED);
	btf = btf__new_empty_split(base);
	btf__add_int(btf, "int", 4, BTF_INT_SIGNED);	/* the base's again */
	btf__add_typedef(btf, "u", btf__type_cnt(base));
	for (i = 0; i < 2; i++) {
		o.kernel = rel[i];
		b = btfids__new(elf, &o);
		log_buf[0] = 0;
		if (!btfids__kernel_implemented(rel[i])) {
			/* 7.3 with a libbpf older than its tree's: refused, said why */
			CHECK(b && btfids__collect(b) == -EOPNOTSUPP &&
			      strstr(log_buf, "needs libbpf >= 1.8"), "%s refused: %s", rel[i], log_buf);
			btfids__free(b);
			n[i] = 1;
			continue;
		}
		CHECK(b && !btfids__set_btf(b, btf, base) && !btfids__run(b), "%s: %s", rel[i], log_buf);
		out = b ? btfids__btf(b) : NULL;
		n[i] = out ? (int)(btf__type_cnt(out) - btf__type_cnt(base)) : -1;
		btfids__free(b);
	}
	CHECK(n[0] == 2 && n[1] == 1, "own types: 7.2 keeps 2, 7.3 dedups to 1 (%d, %d)", n[0], n[1]);
	CHECK(btfids__kernel_implemented("7.3") == (libbpf_major_version() > 1 ||
						    libbpf_minor_version() >= 8),
	      "7.3 is implemented exactly with libbpf >= 1.8");
	btf__free(btf);
	btf__free(base);
	snprintf(elf, sizeof(elf), "rm -rf '%s'", dir);
	CHECK(system(elf) == 0, "cleanup");
}

int main(void)
{
	test_names();
	test_sort();
	test_resolve();
	test_set8_stable();
	test_transform();
	test_transform_errors();
	test_emit();
	test_prepare_commit();
	test_files();
	test_release();
	test_kfunc_switches();
	test_dedup_switch();
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
