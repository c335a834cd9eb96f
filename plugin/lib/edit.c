// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * edit.c - the BTF as the pass changes it, without making libbpf's copy
 * modifiable.
 *
 * libbpf can append types to a parsed BTF, but first it indexes every
 * string of it (for vmlinux, most of resolve_btfids' running time); the
 * pass adds a few dozen types and strings. So the input stays libbpf's,
 * read-only, and an edit records on top of it:
 *   - appended types, encoded as libbpf's btf__add_*() would encode them;
 *   - appended strings, deduplicated as libbpf's string set would: a
 *     string's offset is that of its first occurrence in the base's
 *     strings, else in the BTF's own, else it is appended. The strings to
 *     look up are planned first, then found in one pass over the sections;
 *   - new `type` fields of existing types.
 * btfids_edit_write_raw() lays out the result in any type order (the
 * permutation of the name sort, every reference remapped) in the input's
 * byte order, with the header libbpf would have written: the same bytes as
 * btf__add_*() + btf__permute() + btf__raw_data().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "bytes.h"
#include "edit.h"

/* Call @fn on every type id a type record refers to. */
static int for_each_ref(struct btf_type *t, int (*fn)(__u32 *id, void *ctx), void *ctx)
{
	__u32 i, vlen = btf_vlen(t);
	int err = 0;

	switch (btf_kind(t)) {
	case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_FUNC:
	case BTF_KIND_VAR: case BTF_KIND_TYPE_TAG: case BTF_KIND_DECL_TAG:
		return fn(&t->type, ctx);
	case BTF_KIND_ARRAY:
		err = fn(&btf_array(t)->type, ctx);
		return err ? err : fn(&btf_array(t)->index_type, ctx);
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		for (i = 0; !err && i < vlen; i++)
			err = fn(&btf_members(t)[i].type, ctx);
		return err;
	case BTF_KIND_FUNC_PROTO:
		err = fn(&t->type, ctx);
		for (i = 0; !err && i < vlen; i++)
			err = fn(&btf_params(t)[i].type, ctx);
		return err;
	case BTF_KIND_DATASEC:
		for (i = 0; !err && i < vlen; i++)
			err = fn(&btf_var_secinfos(t)[i].type, ctx);
		return err;
	default:
		return 0;
	}
}

/* Between host and foreign byte order: every field but the first three. */
static void hdr_bswap(struct btfids_btf_hdr *h)
{
	__u32 *w = &h->type_off, i;

	h->magic = btfids_bswap16(h->magic);
	h->hdr_len = btfids_bswap32(h->hdr_len);
	for (i = 0; i < (sizeof(*h) - offsetof(struct btfids_btf_hdr, type_off)) / 4; i++)
		w[i] = btfids_bswap32(w[i]);
}

/* Header bytes past the fields this pass knows: refused unless zero. */
static bool hdr_has_unknown(const __u8 *raw, __u32 hdr_len)
{
	__u32 i;

	for (i = sizeof(struct btfids_btf_hdr); i < hdr_len; i++)
		if (raw[i])
			return true;
	return false;
}

/* The layout section of @size bytes of raw BTF, checked; NULL if none. */
static int find_layout(struct btfids_edit *e, const char *raw, __u32 size)
{
	const struct btfids_btf_hdr *h = &e->hdr;
	__u32 data = size - h->hdr_len;

	if (!h->layout_len)
		return 0;
	if (h->layout_off > data || h->layout_len > data - h->layout_off ||
	    h->layout_len % BTF_LAYOUT_ENTRY_SIZE)
		return -EINVAL;
	e->layout = raw + h->hdr_len + h->layout_off;
	return 0;
}

/*
 * The header of @btf's raw data, in host byte order, and where its strings
 * and layout section are. -ENOMEM: libbpf could not lay the data out;
 * -EPROTO: header fields this pass does not know; -EINVAL: a header that
 * does not fit its data.
 */
static int read_header(const struct btf *btf, struct btfids_edit *e)
{
	const __u8 *raw;
	__u32 size, hdr_len;

	raw = btf__raw_data(btf, &size);
	if (!raw)
		return -ENOMEM;
	if (size < BTF_HDR_LEN_BASE)
		return -EINVAL;
	memcpy(&hdr_len, raw + offsetof(struct btfids_btf_hdr, hdr_len), sizeof(hdr_len));
	if (e->swap)
		hdr_len = btfids_bswap32(hdr_len);
	if (hdr_len < BTF_HDR_LEN_BASE || hdr_len > size)
		return -EINVAL;
	if (hdr_has_unknown(raw, hdr_len))
		return -EPROTO;
	memset(&e->hdr, 0, sizeof(e->hdr));
	memcpy(&e->hdr, raw, hdr_len < sizeof(e->hdr) ? hdr_len : sizeof(e->hdr));
	if (e->swap)
		hdr_bswap(&e->hdr);
	if (e->hdr.str_off > size - hdr_len || e->hdr.str_len > size - hdr_len - e->hdr.str_off)
		return -EINVAL;
	/* types are read in place, as 32-bit words */
	if ((hdr_len + e->hdr.type_off) % sizeof(__u32))
		return -EINVAL;
	e->strs = (const char *)raw + hdr_len + e->hdr.str_off;
	return find_layout(e, (const char *)raw, size);
}

const char *btfids_edit_strerror(int err)
{
	switch (err) {
	case -ENOMEM:
		return "out of memory";
	case -EPROTO:
		return "its header has fields this pass does not know (a newer BTF format?)";
	case -EOPNOTSUPP:
		return "split BTF on a base that is itself split is not supported";
	default:
		return "its header does not fit its data (a section out of range or not 4-byte aligned)";
	}
}

int btfids_edit_check(const struct btf *btf)
{
	struct btfids_edit e = { .swap = btfids_btf_swapped(btf) };

	return read_header(btf, &e);
}

/*
 * Where each own type's record is, found by walking libbpf's buffer in
 * place (libbpf keeps a BTF's types in one buffer, in id order); through
 * libbpf if that walk does not end on its record for the last id.
 */
static bool walk_own_types(struct btfids_edit *e)
{
	const struct btf_type *t, *last;
	__u32 i, n = e->nr_orig - e->start_id, size;

	t = btf__type_by_id(e->btf, e->start_id);
	last = btf__type_by_id(e->btf, e->nr_orig - 1);
	for (i = 0; t && last; i++) {
		e->own[i] = t;
		size = btfids_type_size(t);
		if (!size)
			return false;
		e->own_types_len += size;
		if (i == n - 1)
			return t == last;
		if ((const char *)t + size > (const char *)last)
			return false;
		t = (const void *)((const char *)t + size);
	}
	return false;
}

static int index_own_types(struct btfids_edit *e)
{
	__u32 i, n = e->nr_orig - e->start_id, size;

	if (!n)
		return 0;
	e->own = malloc((size_t)n * sizeof(*e->own));
	if (!e->own)
		return -ENOMEM;
	if (walk_own_types(e))
		return 0;
	e->own_types_len = 0;
	for (i = 0; i < n; i++) {
		e->own[i] = btf__type_by_id(e->btf, e->start_id + i);
		size = e->own[i] ? btfids_type_size(e->own[i]) : 0;
		if (!size)
			return -EINVAL;
		e->own_types_len += size;
	}
	return 0;
}

bool btfids_btf_swapped(const struct btf *btf)
{
	enum btf_endianness host = btfids_host_is_le() ? BTF_LITTLE_ENDIAN : BTF_BIG_ENDIAN;

	return btf__endianness(btf) != host;
}

int btfids_edit_init(struct btfids_edit *e, const struct btf *btf)
{
	const struct btf *base = btf__base_btf(btf);
	int err;

	memset(e, 0, sizeof(*e));
	e->btf = btf;
	e->has_base = base;
	e->start_id = base ? btf__type_cnt(base) : 1;
	e->nr_orig = btf__type_cnt(btf);
	e->swap = btfids_btf_swapped(btf);
	if (base && btf__base_btf(base))
		return -EOPNOTSUPP;	/* a base that is itself split */
	/*
	 * The base's header is read only when its strings are needed
	 * (load_base_strings): laying out a 150,000-type base costs more
	 * than the rest of a small module's pass.
	 */
	err = read_header(btf, e);
	return err ? err : index_own_types(e);
}

/* The own string section of @btf: where it starts, how long it is. */
int btfids_edit_strings_of(const struct btf *btf, const char **strs, __u32 *len)
{
	struct btfids_edit e = { .swap = btfids_btf_swapped(btf) };
	int err;

	err = read_header(btf, &e);
	if (err)
		return err;
	*strs = e.strs;
	*len = e.hdr.str_len;
	return 0;
}

/*
 * The base's strings, needed only to add strings: looked up on demand, as
 * getting them may make libbpf lay out the whole base again.
 */
static int load_base_strings(struct btfids_edit *e)
{
	const struct btf *base = btf__base_btf(e->btf);
	int err;

	if (!base)
		return 0;
	err = btfids_edit_strings_of(base, &e->base_strs, &e->base_strs_len);
	e->start_str_off = e->base_strs_len;
	return err;
}

void btfids_edit_free(struct btfids_edit *e)
{
	btfids_names_free(&e->plan);
	free(e->own);
	free(e->plan_off);
	free(e->new_types);
	free(e->new_offs);
	free(e->new_strs);
	free(e->patches);
	free(e->patch_of);
	memset(e, 0, sizeof(*e));
}

__u32 btfids_edit_type_cnt(const struct btfids_edit *e)
{
	return e->nr_orig + e->nr_new;
}

/* The changed copy of input type @id, or NULL. */
static struct btf_type *find_patch(const struct btfids_edit *e, __u32 id)
{
	if (!e->patch_of || id >= e->nr_orig || !e->patch_of[id])
		return NULL;
	return &e->patches[e->patch_of[id] - 1];
}

const struct btf_type *btfids_edit_type(const struct btfids_edit *e, __u32 id)
{
	if (id >= e->nr_orig)
		return id - e->nr_orig < e->nr_new ?
		       (const void *)(e->new_types + e->new_offs[id - e->nr_orig]) : NULL;
	if (id < e->start_id)
		return btf__type_by_id(e->btf, id);	/* void, or the base's */
	return find_patch(e, id) ?: e->own[id - e->start_id];
}

const char *btfids_edit_name(const struct btfids_edit *e, __u32 off)
{
	__u32 own = off - e->start_str_off;

	/* without a base, own strings start at 0: read them in place */
	if (!e->has_base && off < e->hdr.str_len)
		return e->strs + off;
	/* no string added: start_str_off may not be known, nor needed */
	if (!e->new_strs_len || off < e->start_str_off || own < e->hdr.str_len)
		return btf__str_by_offset(e->btf, off);
	own -= e->hdr.str_len;
	return own < e->new_strs_len ? e->new_strs + own : NULL;
}

/* A FUNC's new prototype: its record is copied and the copy changed. */
int btfids_edit_set_type(struct btfids_edit *e, __u32 id, __u32 type)
{
	struct btf_type *t = find_patch(e, id);

	if (!t) {
		if (id >= e->nr_orig || btfids_type_size(btfids_edit_type(e, id)) != sizeof(*t))
			return -EINVAL;
		if (!e->patch_of) {
			e->patch_of = calloc(e->nr_orig, sizeof(*e->patch_of));
			if (!e->patch_of)
				return -ENOMEM;
		}
		if (btfids_grow(&e->patches, &e->cap_patches, e->nr_patches + 1,
				sizeof(*e->patches)))
			return -ENOMEM;
		t = &e->patches[e->nr_patches++];
		*t = *btf__type_by_id(e->btf, id);
		e->patch_of[id] = e->nr_patches;
	}
	t->type = type;
	return 0;
}

/* Strings that add_str() will be asked for; call before adding. */
int btfids_edit_plan_str(struct btfids_edit *e, const char *s)
{
	bool added;
	int i;

	if (!*s)
		return 0;
	/* room first: a name must never be there without its entry */
	if (btfids_grow(&e->plan_off, &e->cap_plan, e->plan.nr + 1, sizeof(*e->plan_off)))
		return -ENOMEM;
	i = btfids_names_add(&e->plan, s, strlen(s), &added);
	if (i < 0)
		return i;
	if (!added)
		return 0;
	e->plan_off[i].base = BTFIDS_EDIT_NO_OFF;
	e->plan_off[i].own = BTFIDS_EDIT_NO_OFF;
	return 0;
}

/* A 16-bit key of a non-empty string of @len bytes. */
static inline __u32 planned_key(const char *s, __u32 len)
{
	return ((__u8)s[0] << 8 ^ (__u8)s[len - 1] ^ len << 5) & 0xffff;
}

/*
 * First occurrence of each planned string in @strs (@len bytes, whose
 * offset 0 is string offset @base_off): in the base's or the own strings.
 */
static void find_planned(struct btfids_edit *e, const char *strs, __u32 len, __u32 base_off,
			 bool in_base)
{
	__u64 keys[65536 / 64] = {};
	__u32 off = 0, i, l, k;
	const char *name;
	int p;

	/* most strings need no lookup: first byte, last byte and length */
	for (i = 0; i < e->plan.nr; i++) {
		name = btfids_names_at(&e->plan, i);
		k = planned_key(name, strlen(name));
		keys[k / 64] |= 1ULL << (k % 64);
	}
	while (off < len) {
		const char *s = strs + off, *end = memchr(s, 0, len - off);

		if (!end)
			break;
		l = end - s;
		k = l ? planned_key(s, l) : 0;
		if (l && (keys[k / 64] >> (k % 64) & 1) &&
		    (p = btfids_names_find(&e->plan, s)) >= 0) {
			__u32 *found = in_base ? &e->plan_off[p].base : &e->plan_off[p].own;

			if (*found == BTFIDS_EDIT_NO_OFF)
				*found = base_off + off;
		}
		off += l + 1;
	}
}

int btfids_edit_index_planned(struct btfids_edit *e)
{
	int err;

	if (!e->plan.nr)
		return 0;
	err = load_base_strings(e);
	if (err)
		return err;
	if (e->base_strs)
		find_planned(e, e->base_strs, e->base_strs_len, 0, true);
	find_planned(e, e->strs, e->hdr.str_len, e->start_str_off, false);
	return 0;
}

/* libbpf's btf__add_str(): base first, then our own strings, else append. */
static int add_str(struct btfids_edit *e, const char *s)
{
	int p = btfids_names_find(&e->plan, s);
	__u32 len = strlen(s) + 1, off;

	if (p < 0)
		return -EINVAL;		/* not planned: a bug of the caller */
	if (e->plan_off[p].base != BTFIDS_EDIT_NO_OFF)
		return e->plan_off[p].base;
	if (e->plan_off[p].own != BTFIDS_EDIT_NO_OFF)
		return e->plan_off[p].own;
	if (btfids_grow(&e->new_strs, &e->cap_strs, e->new_strs_len + len, 1))
		return -ENOMEM;
	memcpy(e->new_strs + e->new_strs_len, s, len);
	off = e->start_str_off + e->hdr.str_len + e->new_strs_len;
	e->new_strs_len += len;
	e->plan_off[p].own = off;
	return off;
}

static void *add_type_mem(struct btfids_edit *e, __u32 size, bool new_type)
{
	void *p;

	if (btfids_grow(&e->new_types, &e->cap_types, e->new_types_len + size, 1))
		return NULL;
	if (new_type) {
		if (btfids_grow(&e->new_offs, &e->cap_new, e->nr_new + 1, sizeof(*e->new_offs)))
			return NULL;
		e->new_offs[e->nr_new++] = e->new_types_len;
	}
	p = e->new_types + e->new_types_len;
	e->new_types_len += size;
	return p;
}

static int add_type(struct btfids_edit *e, const char *name, __u32 info, __u32 type,
		    __u32 extra_size, void **extra)
{
	struct btf_type *t;
	int name_off = 0;

	if (name && *name) {
		name_off = add_str(e, name);
		if (name_off < 0)
			return name_off;
	}
	t = add_type_mem(e, sizeof(*t) + extra_size, true);
	if (!t)
		return -ENOMEM;
	t->name_off = name_off;
	t->info = info;
	t->type = type;
	if (extra)
		*extra = t + 1;
	return btfids_edit_type_cnt(e) - 1;
}

static __u32 type_info(__u32 kind, __u32 vlen, bool kflag)
{
	return (__u32)kflag << 31 | kind << 24 | (vlen & 0xffff);
}

int btfids_edit_add_func(struct btfids_edit *e, const char *name, int linkage, __u32 proto)
{
	if (!*name || linkage > BTF_FUNC_EXTERN)
		return -EINVAL;
	return add_type(e, name, type_info(BTF_KIND_FUNC, linkage, 0), proto, 0, NULL);
}

int btfids_edit_add_decl_tag(struct btfids_edit *e, const char *value, __u32 ref, int component,
		      bool attr)
{
	void *extra;
	int id;

	if (!*value || component < -1)
		return -EINVAL;
	id = add_type(e, value, type_info(BTF_KIND_DECL_TAG, 0, attr), ref,
		      sizeof(struct btf_decl_tag), &extra);
	if (id > 0)
		((struct btf_decl_tag *)extra)->component_idx = component;
	return id;
}

int btfids_edit_add_func_proto(struct btfids_edit *e, __u32 ret)
{
	return add_type(e, NULL, type_info(BTF_KIND_FUNC_PROTO, 0, 0), ret, 0, NULL);
}

/* A parameter of the prototype added last. */
int btfids_edit_add_func_param(struct btfids_edit *e, const char *name, __u32 type)
{
	struct btf_type *proto;
	struct btf_param *p;
	int name_off = 0;

	if (!e->nr_new)
		return -EINVAL;
	if (*name) {
		name_off = add_str(e, name);
		if (name_off < 0)
			return name_off;
	}
	p = add_type_mem(e, sizeof(*p), false);
	if (!p)
		return -ENOMEM;
	p->name_off = name_off;
	p->type = type;
	proto = (struct btf_type *)(e->new_types + e->new_offs[e->nr_new - 1]);
	proto->info = type_info(BTF_KIND_FUNC_PROTO, btf_vlen(proto) + 1, 0);
	return 0;
}

struct remap {
	const struct btfids_edit *e;
	const __u32 *new_id;	/* old own index -> new id */
};

static int remap_ref(__u32 *id, void *ctx)
{
	const struct remap *r = ctx;

	if (*id < r->e->start_id)
		return 0;	/* void, or a base type */
	if (*id >= btfids_edit_type_cnt(r->e))
		return -EINVAL;
	*id = r->new_id[*id - r->e->start_id];
	return 0;
}

/*
 * Raw BTF with the own types in @order (order[i]: old id of the type that
 * gets id start_id + i; NULL: unchanged), references remapped.
 */
/*
 * The output header: the input's, its sections packed in libbpf's order
 * (types, layout, strings). libbpf keeps the input's offsets and only
 * grows them, which for an input with a gap before or between its
 * sections gives a header that does not match the bytes; for packed
 * input, the only kind pahole and libbpf write, both are the same.
 */
static void write_header(const struct btfids_edit *e, char *raw, __u32 types_len)
{
	struct btfids_btf_hdr h = e->hdr;
	__u32 len = h.hdr_len < sizeof(h) ? h.hdr_len : sizeof(h);

	h.type_off = 0;
	h.type_len = types_len;
	if (e->layout)
		h.layout_off = types_len;
	h.str_off = types_len + (e->layout ? h.layout_len : 0);
	h.str_len = e->hdr.str_len + e->new_strs_len;
	if (e->swap)
		hdr_bswap(&h);
	memset(raw, 0, e->hdr.hdr_len);
	memcpy(raw, &h, len);
}

/* The layout section as stored; only its u16 flags need swapping. */
static void write_layout(const struct btfids_edit *e, char *p)
{
	__u32 i;

	memcpy(p, e->layout, e->hdr.layout_len);
	if (!e->swap)
		return;
	for (i = 2; i < e->hdr.layout_len; i += BTF_LAYOUT_ENTRY_SIZE) {
		__u16 flags;

		memcpy(&flags, p + i, sizeof(flags));
		flags = btfids_bswap16(flags);
		memcpy(p + i, &flags, sizeof(flags));
	}
}

/* Own types in @order, references remapped, into @p: host to stored order. */
static int write_types(const struct btfids_edit *e, const __u32 *order, const __u32 *new_id,
		       char *p)
{
	struct remap r = { e, new_id };
	__u32 i, n = btfids_edit_type_cnt(e) - e->start_id, j;
	int err;

	for (i = 0; i < n; i++) {
		const struct btf_type *t = btfids_edit_type(e, order ? order[i] : e->start_id + i);
		__u32 tsz = btfids_type_size(t), *w = (__u32 *)p;

		if (!tsz)
			return -EINVAL;
		memcpy(p, t, tsz);
		err = for_each_ref((struct btf_type *)p, remap_ref, &r);
		if (err)
			return err;
		for (j = 0; e->swap && j < tsz / 4; j++)
			w[j] = btfids_bswap32(w[j]);
		p += tsz;
	}
	return 0;
}

/*
 * Raw BTF with the own types in @order (order[i]: old id of the type that
 * gets id start_id + i; NULL: unchanged), references remapped, in the
 * input's byte order.
 */
int btfids_edit_write_raw(const struct btfids_edit *e, const __u32 *order, void **rawp, __u32 *sizep)
{
	__u32 i, n = btfids_edit_type_cnt(e) - e->start_id, types_len, hdr_len = e->hdr.hdr_len;
	__u32 layout_len = e->layout ? e->hdr.layout_len : 0;
	__u32 *new_id = NULL, size;
	char *raw = NULL, *p;
	int err = -ENOMEM;

	new_id = malloc((size_t)n * sizeof(*new_id) + 1);
	if (!new_id)
		goto out;
	for (i = 0; i < n; i++) {
		__u32 old = order ? order[i] : e->start_id + i;

		new_id[old - e->start_id] = e->start_id + i;
	}
	/* patches keep their record's size; appended types are new_types */
	types_len = e->own_types_len + e->new_types_len;
	size = hdr_len + types_len + layout_len + e->hdr.str_len + e->new_strs_len;
	raw = malloc(size);
	if (!raw)
		goto out;

	write_header(e, raw, types_len);
	p = raw + hdr_len;
	err = write_types(e, order, new_id, p);
	if (err)
		goto out;
	p += types_len;
	if (layout_len)
		write_layout(e, p);
	p += layout_len;
	memcpy(p, e->strs, e->hdr.str_len);
	if (e->new_strs_len)
		memcpy(p + e->hdr.str_len, e->new_strs, e->new_strs_len);

	*rawp = raw;
	*sizep = size;
	raw = NULL;
	err = 0;
out:
	free(raw);
	free(new_id);
	return err;
}
