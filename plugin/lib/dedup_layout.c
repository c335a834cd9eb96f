// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * dedup_layout.c - the bytes libbpf's btf__dedup() leaves, once it is
 * known where each type goes: the strings laid out again in the order the
 * types, every one of them (those that then collapse too), first name
 * them, strings no type names dropped (btf__dedup() does this before it
 * deduplicates types); then the kept types in order, renumbered, their
 * references and names rewritten; the layout section as it was.
 *
 * One walk over the own types does both. Precondition, checked: every
 * string reference starts a non-empty string. Not checked (true of
 * btf__dedup()'s output, the caller's precondition): own strings are
 * unique and none is also in the base, so an offset is a string.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "dedup_layout.h"
#include "edit.h"
#include "fields.h"

#define NO_KEY	UINT32_MAX

struct layout {
	const char *why;
	struct btf *btf;
	__u32 start, n;			/* first own type id, type count */
	const __u32 *canon;
	__u32 *ids;			/* own id - start: new id */

	const char *own;		/* own strings of the input */
	__u32 own_len, start_str;	/* their size; the base's */
	__u32 *keys, *vals, mask, used;	/* own offset -> new own offset */
	char *strs;			/* the new own strings */
	__u32 strs_len, strs_cap;
};

/*
 * The base's string bytes: the first offset it has no string at (asking
 * libbpf for its raw data would lay the whole base out again).
 */
static __u32 strings_start(const struct btf *base)
{
	__u32 lo = 0, hi = 0x7fffffff, mid;

	if (!base)
		return 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (btf__str_by_offset(base, mid))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* --- strings -------------------------------------------------------- */

static __u32 *slot_of(__u32 *keys, __u32 mask, __u32 rel)
{
	__u32 h = rel * 2654435761u;

	while (keys[h & mask] != NO_KEY && keys[h & mask] != rel)
		h++;
	return &keys[h & mask];
}

static int grow_map(struct layout *l)
{
	__u32 cap = l->keys ? (l->mask + 1) * 2 : 4096, *keys, *vals, i, *k;

	keys = malloc(cap * sizeof(*keys));
	vals = malloc(cap * sizeof(*vals));
	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -ENOMEM;
	}
	memset(keys, 0xff, cap * sizeof(*keys));
	for (i = 0; l->keys && i <= l->mask; i++) {
		if (l->keys[i] == NO_KEY)
			continue;
		k = slot_of(keys, cap - 1, l->keys[i]);
		*k = l->keys[i];
		vals[k - keys] = l->vals[i];
	}
	free(l->keys);
	free(l->vals);
	l->keys = keys;
	l->vals = vals;
	l->mask = cap - 1;
	return 0;
}

static int append_str(struct layout *l, const char *s, __u32 *at)
{
	__u32 n = strlen(s) + 1;
	char *p;

	if (l->strs_len + n > l->strs_cap) {
		l->strs_cap = (l->strs_len + n) * 2;
		p = realloc(l->strs, l->strs_cap);
		if (!p)
			return -ENOMEM;
		l->strs = p;
	}
	memcpy(l->strs + l->strs_len, s, n);
	*at = l->strs_len;
	l->strs_len += n;
	return 0;
}

/*
 * Where own string offset *@off goes: laid out when first named. With
 * @rewrite, *@off becomes that.
 */
static int map_str(struct layout *l, __u32 *off, bool rewrite)
{
	__u32 rel = *off - l->start_str, *k;
	int err;

	if (!*off || *off < l->start_str)
		return 0;
	if (rel >= l->own_len || (rel && l->own[rel - 1]) || !l->own[rel]) {
		l->why = "a string reference that does not start a string";
		return 1;
	}
	if (l->used * 2 >= l->mask && (err = grow_map(l)))
		return err;
	k = slot_of(l->keys, l->mask, rel);
	if (*k == NO_KEY) {
		err = append_str(l, l->own + rel, &l->vals[k - l->keys]);
		if (err)
			return err;
		*k = rel;
		l->used++;
	}
	if (rewrite)
		*off = l->start_str + l->vals[k - l->keys];
	return 0;
}

static int map_strs(struct layout *l, struct btf_type *t, bool rewrite)
{
	struct btfids_run r[2];
	int runs = btfids_str_fields(t, r), k, err;
	__u32 i;

	for (k = 0; k < runs; k++)
		for (i = 0; i < r[k].n; i++) {
			err = map_str(l, &r[k].p[i * r[k].stride], rewrite);
			if (err)
				return err;
		}
	return 0;
}

/* --- types ------------------------------------------------------------ */

static void number_kept(struct layout *l)
{
	__u32 id, next = l->start;

	for (id = l->start; id < l->n; id++)
		if (l->canon[id - l->start] == id)
			l->ids[id - l->start] = next++;
}

static void map_ids(const struct layout *l, struct btf_type *t)
{
	struct btfids_run r[2];
	int runs = btfids_id_fields(t, r), k;
	__u32 i, *id, to;

	for (k = 0; k < runs; k++)
		for (i = 0; i < r[k].n; i++) {
			id = &r[k].p[i * r[k].stride];
			if (*id < l->start || *id >= l->n)
				continue;
			to = l->canon[*id - l->start];	/* a base type, or an own kept one */
			*id = to < l->start ? to : l->ids[to - l->start];
		}
}

/* The one walk: strings laid out, kept types copied into @out and rewritten. */
static int walk_types(struct layout *l, __u8 *out, __u32 *out_len)
{
	const struct btf_type *t = l->n > l->start ? btf__type_by_id(l->btf, l->start) : NULL;
	__u8 *p = out;
	__u32 id, size;
	int err;

	for (id = l->start; id < l->n; id++, t = (const void *)((const char *)t + size)) {
		size = btfids_type_size(t);
		if (!size) {
			l->why = "a type of a kind this pass does not know";
			return 1;
		}
		if (l->canon[id - l->start] != id) {
			err = map_strs(l, (struct btf_type *)t, false);
		} else {
			memcpy(p, t, size);
			map_ids(l, (struct btf_type *)p);
			err = map_strs(l, (struct btf_type *)p, true);
			p += size;
		}
		if (err)
			return err;
	}
	*out_len = p - out;
	return 0;
}

/* --- the result --------------------------------------------------------- */

/* Header, types, layout section, strings, laid out as btf__dedup() does. */
static int assemble(struct layout *l, const __u8 *raw, struct btf **out)
{
	struct btfids_btf_hdr h = { 0 };
	__u32 types_len, size;
	__u8 *buf;
	int err;

	memcpy(&h, raw, BTF_HDR_LEN_BASE);
	if (h.hdr_len != BTF_HDR_LEN_BASE && h.hdr_len != BTF_HDR_LEN_LAYOUT) {
		l->why = "a BTF header of another size";
		return 1;
	}
	memcpy(&h, raw, h.hdr_len);
	size = h.hdr_len + h.type_off + h.type_len + h.layout_len + h.str_len + 1;
	buf = calloc(1, size);
	if (!buf)
		return -ENOMEM;
	err = walk_types(l, buf + h.hdr_len + h.type_off, &types_len);
	if (!err) {
		if (h.layout_len)
			memcpy(buf + h.hdr_len + h.type_off + types_len,
			       raw + h.hdr_len + h.layout_off, h.layout_len);
		h.type_len = types_len;
		if (h.layout_len)
			h.layout_off = h.type_off + types_len;
		h.str_off = h.type_off + types_len + h.layout_len;
		h.str_len = l->strs_len;
		memcpy(buf, &h, h.hdr_len);
		memcpy(buf + h.hdr_len + h.str_off, l->strs, l->strs_len);
		size = h.hdr_len + h.str_off + h.str_len;
		*out = btf__new_split(buf, size, (struct btf *)btf__base_btf(l->btf));
		err = *out ? 0 : -errno ? -errno : -ENOMEM;
	}
	free(buf);
	return err;
}

int btfids_dedup_lay_out(struct btf *work, const __u32 *canon, struct btf **out,
			 const char **why)
{
	const struct btf *base = btf__base_btf(work);
	struct layout l = { .btf = work, .canon = canon };
	const __u8 *raw;
	__u32 raw_size;
	int err;

	l.start = base ? btf__type_cnt(base) : 1;
	l.n = btf__type_cnt(work);
	raw = btf__raw_data(work, &raw_size);
	l.ids = malloc((l.n - l.start + 1) * sizeof(*l.ids));
	if (!raw || !l.ids) {
		free(l.ids);
		return -ENOMEM;
	}
	memcpy(&l.own_len, raw + offsetof(struct btfids_btf_hdr, str_len), sizeof(l.own_len));
	l.start_str = strings_start(base);
	l.own = l.own_len ? btf__str_by_offset(work, l.start_str) : NULL;
	if (!l.own)
		l.own_len = 0;
	number_kept(&l);
	err = grow_map(&l);
	if (!err && !base)	/* without a base, "" comes first */
		err = append_str(&l, "", &(__u32){ 0 });
	if (!err)
		err = assemble(&l, raw, out);
	*why = l.why;
	free(l.ids);
	free(l.keys);
	free(l.vals);
	free(l.strs);
	return err;
}
