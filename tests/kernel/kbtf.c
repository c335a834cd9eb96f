// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * kbtf: helpers for the real-kernel differential test (tests/kernel/run.sh).
 *
 *   kbtf unresolve ELF OUT     write ELF's .BTF_ids put back in its
 *                              pre-resolution state (see below) to OUT
 *   kbtf section ELF NAME OUT  write the bytes of section NAME to OUT
 *   kbtf scan ELF...           one line per file: path, has .BTF_ids,
 *                              sets, set8s, kfunc set8s, .BTF size
 *   kbtf elfdiff A B           compare two ELF files: section by section,
 *                              then byte by byte, naming the region of
 *                              each difference. Exit 0 if the files are
 *                              identical, 1 if only bytes outside section
 *                              contents differ, 2 if section contents or
 *                              headers differ.
 *
 * "unresolve": a linked kernel's .BTF_ids is the output of resolve_btfids:
 * every placeholder holds a BTF ID, every set/set8 starts with its count,
 * and set8 pairs are sorted by ID, which separates each kfunc's flags word
 * from the symbol that was declared with it. We rebuild the section as the
 * compiler emitted it: for each placeholder symbol inside a set8, look its
 * name up in the ELF's own .BTF (first type of that kind and name, as
 * resolve_btfids does), take a not yet used pair with that ID from the
 * resolved set and put its flags word back after the symbol; then zero
 * every placeholder word and every set/set8 count. The set8 header flags
 * are kept. Problems are reported and make the exit status non-zero.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/btf.h>

#define PFX "__BTF_ID__"

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("kbtf: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(3);
}

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz);

	if (!p)
		die("out of memory");
	return p;
}

struct elfin {
	int fd;
	Elf *elf;
	GElf_Ehdr eh;
	size_t shstrndx;
};

static void elf_open_ro(struct elfin *e, const char *path)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		die("libelf: %s", elf_errmsg(-1));
	e->fd = open(path, O_RDONLY);
	if (e->fd < 0)
		die("%s: %s", path, strerror(errno));
	e->elf = elf_begin(e->fd, ELF_C_READ_MMAP, NULL);
	if (!e->elf || elf_kind(e->elf) != ELF_K_ELF)
		die("%s: not an ELF file", path);
	if (!gelf_getehdr(e->elf, &e->eh))
		die("%s: %s", path, elf_errmsg(-1));
	if (elf_getshdrstrndx(e->elf, &e->shstrndx))
		die("%s: %s", path, elf_errmsg(-1));
}

static void elf_close(struct elfin *e)
{
	elf_end(e->elf);
	close(e->fd);
}

static Elf_Scn *find_scn(struct elfin *e, const char *name, GElf_Shdr *sh)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(e->elf, scn))) {
		const char *n;

		if (!gelf_getshdr(scn, sh))
			continue;
		n = elf_strptr(e->elf, e->shstrndx, sh->sh_name);
		if (n && !strcmp(n, name))
			return scn;
	}
	return NULL;
}

static void write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(buf, 1, len, f) != len || fclose(f))
		die("%s: cannot write", path);
}

/* ------------------------------------------------------------ section */

static int cmd_section(const char *path, const char *name, const char *out)
{
	struct elfin e;
	GElf_Shdr sh;
	Elf_Scn *scn;
	Elf_Data *d;

	elf_open_ro(&e, path);
	scn = find_scn(&e, name, &sh);
	if (!scn)
		die("%s: no section %s", path, name);
	d = elf_rawdata(scn, NULL);
	if (!d)
		die("%s: %s: %s", path, name, elf_errmsg(-1));
	write_file(out, d->d_buf ? d->d_buf : "", d->d_size);
	elf_close(&e);
	return 0;
}

/* ---------------------------------------------------------- unresolve */

enum pkind { P_FUNC, P_STRUCT, P_UNION, P_TYPEDEF, P_SET, P_SET8 };

struct psym {
	enum pkind kind;
	char *name;		/* type name (placeholders) or set name */
	uint64_t off;		/* offset into .BTF_ids */
	uint64_t size;
	uint32_t id;		/* resolved through .BTF, placeholders only */
};

struct lookup {			/* unique (kind, name) -> first BTF ID */
	enum pkind kind;
	const char *name;
	uint32_t id;
};

static bool big_endian_elf;

static uint32_t rd32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return big_endian_elf ? __builtin_bswap32(v) : v;
}

static void wr32(unsigned char *p, uint32_t v)
{
	if (big_endian_elf)
		v = __builtin_bswap32(v);
	memcpy(p, &v, 4);
}

static int cmp_lookup(const void *a, const void *b)
{
	const struct lookup *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_psym_off(const void *a, const void *b)
{
	const struct psym *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return (int)x->kind - (int)y->kind;
}

/* Strip "__<unique id>" as resolve_btfids' get_id() does. */
static char *strip_unique(const char *s)
{
	char *r = strdup(s), *p;

	if (!r)
		die("out of memory");
	p = strrchr(r, '_');
	if (!p || p == r || p[-1] != '_')
		return NULL;
	p[-1] = '\0';
	return r;
}

static bool kind_matches(enum pkind k, const struct btf_type *t)
{
	switch (k) {
	case P_FUNC:	return btf_is_func(t);
	case P_STRUCT:	return btf_is_struct(t);
	case P_UNION:	return btf_is_union(t);
	case P_TYPEDEF:	return btf_is_typedef(t);
	default:	return false;
	}
}

/* One unresolve run: the section, its symbols, their lookups, the counts. */
struct unresolve {
	const char *path;
	struct elfin e;
	size_t ids_ndx;
	uint64_t ids_addr;
	const unsigned char *orig;	/* .BTF_ids as resolved */
	unsigned char *blob;		/* .BTF_ids being put back */
	size_t size;
	bool *covered;			/* per word: a symbol accounts for it */
	struct psym *ps;		/* by offset */
	size_t np;
	struct lookup *lk;		/* unique (kind, name), sorted */
	size_t nlk;
	struct btf *btf;
	unsigned long n_set, n_set8, n_pairs, n_flags, ids_section_syms;
	unsigned long problems, ambiguous, unresolved, stray;
};

static bool is_set(const struct psym *p)
{
	return p->kind == P_SET || p->kind == P_SET8;
}

/* The section and a copy of it to write into. */
static void ur_read_section(struct unresolve *u)
{
	Elf_Data *idd;
	GElf_Shdr ish;
	Elf_Scn *iscn;

	elf_open_ro(&u->e, u->path);
	big_endian_elf = u->e.eh.e_ident[EI_DATA] == ELFDATA2MSB;
	iscn = find_scn(&u->e, ".BTF_ids", &ish);
	if (!iscn)
		die("%s: no .BTF_ids section", u->path);
	u->ids_ndx = elf_ndxscn(iscn);
	u->ids_addr = ish.sh_addr;
	idd = elf_rawdata(iscn, NULL);
	if (!idd || !idd->d_buf)
		die("%s: .BTF_ids has no data", u->path);
	u->size = idd->d_size;
	if (u->size % 4)
		die("%s: .BTF_ids size %zu is not a multiple of 4", u->path, u->size);
	u->orig = idd->d_buf;
	u->blob = xcalloc(u->size, 1);
	memcpy(u->blob, u->orig, u->size);
	u->covered = xcalloc(u->size / 4, sizeof(*u->covered));
}

static Elf_Data *ur_symtab(struct unresolve *u, GElf_Shdr *ssh)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(u->e.elf, scn))) {
		if (gelf_getshdr(scn, ssh) && ssh->sh_type == SHT_SYMTAB)
			return elf_getdata(scn, NULL);
	}
	die("%s: no symbol table", u->path);
	return NULL;
}

/* A __BTF_ID__ symbol of .BTF_ids into *p; false (counted) if unusable. */
static bool ur_parse_sym(struct unresolve *u, const char *name, const GElf_Sym *sym,
			 struct psym *p)
{
	static const struct { const char *p; enum pkind k; } pre[] = {
		{ "struct__", P_STRUCT }, { "union__", P_UNION },
		{ "typedef__", P_TYPEDEF }, { "func__", P_FUNC },
		{ "set8__", P_SET8 }, { "set__", P_SET },
	};
	const char *rest = name + strlen(PFX);
	size_t k;

	for (k = 0; k < sizeof(pre) / sizeof(pre[0]); k++)
		if (!strncmp(rest, pre[k].p, strlen(pre[k].p)))
			break;
	if (k == sizeof(pre) / sizeof(pre[0])) {
		fprintf(stderr, "kbtf: unknown symbol %s\n", name);
		u->problems++;
		return false;
	}
	p->kind = pre[k].k;
	p->size = sym->st_size;
	p->off = sym->st_value - u->ids_addr;
	if (p->off + 4 > u->size) {
		fprintf(stderr, "kbtf: %s lies outside .BTF_ids\n", name);
		u->problems++;
		return false;
	}
	rest += strlen(pre[k].p);
	p->name = is_set(p) ? strdup(rest) : strip_unique(rest);
	if (!p->name) {
		fprintf(stderr, "kbtf: cannot parse %s\n", name);
		u->problems++;
		return false;
	}
	return true;
}

/* Every placeholder symbol of .BTF_ids, by offset. */
static void ur_collect_syms(struct unresolve *u)
{
	GElf_Shdr ssh;
	Elf_Data *symd = ur_symtab(u, &ssh);
	size_t i, nsyms = ssh.sh_entsize ? ssh.sh_size / ssh.sh_entsize : 0;

	u->ps = xcalloc(nsyms, sizeof(*u->ps));
	for (i = 0; i < nsyms; i++) {
		const char *name;
		GElf_Sym sym;

		if (!gelf_getsym(symd, i, &sym) || sym.st_shndx != u->ids_ndx)
			continue;
		name = elf_strptr(u->e.elf, ssh.sh_link, sym.st_name);
		if (!name || strncmp(name, PFX, strlen(PFX)))
			continue;
		u->ids_section_syms++;
		if (ur_parse_sym(u, name, &sym, &u->ps[u->np]))
			u->np++;
	}
	qsort(u->ps, u->np, sizeof(*u->ps), cmp_psym_off);
}

static bool btf_pkind(const struct btf_type *t, enum pkind *kd)
{
	if (btf_is_func(t))
		*kd = P_FUNC;
	else if (btf_is_struct(t))
		*kd = P_STRUCT;
	else if (btf_is_union(t))
		*kd = P_UNION;
	else if (btf_is_typedef(t))
		*kd = P_TYPEDEF;
	else
		return false;
	return true;
}

/* Each placeholder's id: the first of its kind and name in .BTF. */
static void ur_lookup_ids(struct unresolve *u)
{
	size_t i, k;
	uint32_t id, ntypes;

	u->lk = xcalloc(u->np, sizeof(*u->lk));
	for (i = 0; i < u->np; i++)
		if (!is_set(&u->ps[i]))
			u->lk[u->nlk++] = (struct lookup){ u->ps[i].kind, u->ps[i].name, 0 };
	qsort(u->lk, u->nlk, sizeof(*u->lk), cmp_lookup);
	for (i = 0, k = 0; i < u->nlk; i++)	/* unique */
		if (!k || cmp_lookup(&u->lk[k - 1], &u->lk[i]))
			u->lk[k++] = u->lk[i];
	u->nlk = k;

	u->btf = btf__parse_elf(u->path, NULL);
	if (!u->btf)
		die("%s: cannot load .BTF: %s", u->path, strerror(errno));
	ntypes = btf__type_cnt(u->btf);
	for (id = 1; id < ntypes; id++) {
		const struct btf_type *t = btf__type_by_id(u->btf, id);
		struct lookup key, *hit;

		if (!btf_pkind(t, &key.kind))
			continue;
		key.name = btf__name_by_offset(u->btf, t->name_off);
		if (!key.name)
			continue;
		hit = bsearch(&key, u->lk, u->nlk, sizeof(*u->lk), cmp_lookup);
		if (hit && !hit->id && kind_matches(key.kind, t))
			hit->id = id;
	}
	for (i = 0; i < u->np; i++) {
		struct lookup key = { u->ps[i].kind, u->ps[i].name, 0 }, *hit;

		if (is_set(&u->ps[i]))
			continue;
		hit = bsearch(&key, u->lk, u->nlk, sizeof(*u->lk), cmp_lookup);
		u->ps[i].id = hit ? hit->id : 0;
		if (!u->ps[i].id)
			u->unresolved++;
	}
}

static bool ur_in_set(const struct unresolve *u, uint64_t off)
{
	size_t k;

	for (k = 0; k < u->np; k++) {
		uint64_t body = u->ps[k].kind == P_SET ? 4 : 8;

		if (is_set(&u->ps[k]) && off >= u->ps[k].off + body &&
		    off < u->ps[k].off + u->ps[k].size)
			return true;
	}
	return false;
}

/* Outside sets, the resolved words must be the lookups, word by word. */
static void ur_check_slots(struct unresolve *u)
{
	size_t i;

	for (i = 0; i < u->np; i++) {
		const struct psym *p = &u->ps[i];

		if (is_set(p) || ur_in_set(u, p->off) || rd32(u->orig + p->off) == p->id)
			continue;
		fprintf(stderr, "kbtf: %s at 0x%llx holds %u, BTF says %u\n", p->name,
			(unsigned long long)p->off, rd32(u->orig + p->off), p->id);
		u->problems++;
	}
}

/* The word at @off back to @v, accounted for. */
static void ur_put(struct unresolve *u, uint64_t off, uint32_t v)
{
	wr32(u->blob + off, v);
	u->covered[off / 4] = true;
}

/* A set's count as its symbol's size says; false if it runs past the section. */
static bool ur_set_count(struct unresolve *u, const struct psym *s, uint64_t esz, uint64_t *cnt)
{
	const char *kind = s->kind == P_SET8 ? "set8" : "set";

	*cnt = s->size / esz ? s->size / esz - 1 : 0;
	if (rd32(u->orig + s->off) != *cnt) {
		fprintf(stderr, "kbtf: %s %s: count %u, symbol size says %llu\n", kind, s->name,
			rd32(u->orig + s->off), (unsigned long long)*cnt);
		u->problems++;
	}
	if (s->off + esz + esz * *cnt > u->size) {
		fprintf(stderr, "kbtf: %s %s runs past the section\n", kind, s->name);
		u->problems++;
		return false;
	}
	return true;
}

/* A set: its members as a multiset (sets are sorted) against the lookups. */
static void ur_undo_set(struct unresolve *u, const struct psym *s)
{
	uint32_t *have, *want;
	uint64_t cnt, nw = 0, j;

	u->n_set++;
	if (!ur_set_count(u, s, 4, &cnt))
		return;
	have = xcalloc(cnt, sizeof(*have));
	want = xcalloc(cnt, sizeof(*want));
	for (j = 0; j < cnt; j++)
		have[j] = rd32(u->orig + s->off + 4 + 4 * j);
	for (j = 0; j < u->np; j++)
		if (!is_set(&u->ps[j]) && u->ps[j].off >= s->off + 4 &&
		    u->ps[j].off < s->off + 4 + 4 * cnt && nw < cnt)
			want[nw++] = u->ps[j].id;	/* slots without symbol stay 0 */
	qsort(have, cnt, sizeof(*have), cmp_u32);
	qsort(want, cnt, sizeof(*want), cmp_u32);
	if (memcmp(have, want, cnt * sizeof(*have))) {
		fprintf(stderr, "kbtf: set %s: members differ from the BTF lookup\n", s->name);
		u->problems++;
	}
	free(have);
	free(want);
	ur_put(u, s->off, 0);
}

/* The id the symbols at set8 slot @slot stand for (all must agree). */
static uint32_t ur_slot_id(struct unresolve *u, const struct psym *s, uint64_t slot)
{
	uint32_t want = 0;
	bool have_sym = false;
	size_t j;

	for (j = 0; j < u->np; j++) {
		if (u->ps[j].off != slot || is_set(&u->ps[j]))
			continue;
		if (have_sym && u->ps[j].id != want) {
			fprintf(stderr, "kbtf: set8 %s: slot 0x%llx has symbols of IDs %u and %u\n",
				s->name, (unsigned long long)slot, want, u->ps[j].id);
			u->problems++;
		}
		want = u->ps[j].id;
		have_sym = true;
	}
	return want;
}

/* A set8 slot: the flags of an unused (id, flags) pair of its id go back to it. */
static void ur_undo_pair(struct unresolve *u, const struct psym *s, uint64_t lo, uint64_t cnt,
			 bool *used, uint64_t slot)
{
	uint32_t want = ur_slot_id(u, s, slot), flags = 0;
	bool found = false;
	uint64_t j, pick = 0;

	for (j = 0; j < cnt; j++) {
		uint32_t pid = rd32(u->orig + lo + 8 * j), pfl = rd32(u->orig + lo + 8 * j + 4);

		if (used[j] || pid != want)
			continue;
		if (!found) {
			found = true;
			pick = j;
			flags = pfl;
		} else if (pfl != flags) {
			u->ambiguous++;
			break;
		}
	}
	if (!found) {
		fprintf(stderr, "kbtf: set8 %s: no pair left with ID %u for slot 0x%llx\n",
			s->name, want, (unsigned long long)slot);
		u->problems++;
		return;
	}
	used[pick] = true;
	ur_put(u, slot, 0);
	ur_put(u, slot + 4, flags);
	u->n_pairs++;
	if (flags)
		u->n_flags++;
}

/* set8: every pair's flags back to its own symbol. */
static void ur_undo_set8(struct unresolve *u, const struct psym *s)
{
	uint64_t cnt, lo = s->off + 8, slot;
	bool *used;

	u->n_set8++;
	if (!ur_set_count(u, s, 8, &cnt)) {
		ur_put(u, s->off, 0);
		u->covered[s->off / 4 + 1] = true;
		return;
	}
	ur_put(u, s->off, 0);
	u->covered[s->off / 4 + 1] = true;
	used = xcalloc(cnt, sizeof(*used));
	for (slot = lo; slot < lo + 8 * cnt; slot += 8)
		ur_undo_pair(u, s, lo, cnt, used, slot);
	free(used);
}

static void ur_undo(struct unresolve *u)
{
	size_t i;

	for (i = 0; i < u->np; i++) {
		const struct psym *s = &u->ps[i];

		if (s->kind == P_SET)
			ur_undo_set(u, s);
		else if (s->kind == P_SET8)
			ur_undo_set8(u, s);
		else
			ur_put(u, s->off, 0);
	}
	/* words no symbol accounts for: they should be zero already */
	for (i = 0; i < u->size / 4; i++)
		if (!u->covered[i] && rd32(u->blob + 4 * i))
			u->stray++;
}

/*
 * .BTF_ids of a finished object put back as it was before resolution
 * (ids 0, set counts 0, set8 flags kept with their own symbols), checking
 * on the way that the resolved words agree with the object's BTF.
 */
static int cmd_unresolve(const char *path, const char *out)
{
	struct unresolve u = { .path = path };

	ur_read_section(&u);
	ur_collect_syms(&u);
	ur_lookup_ids(&u);
	ur_check_slots(&u);
	ur_undo(&u);
	write_file(out, u.blob, u.size);
	printf("symbols %lu, sets %lu, set8s %lu, pairs %lu (%lu with flags), "
	       "unresolved %lu, ambiguous %lu, stray nonzero words %lu, problems %lu\n",
	       u.ids_section_syms, u.n_set, u.n_set8, u.n_pairs, u.n_flags, u.unresolved,
	       u.ambiguous, u.stray, u.problems);
	btf__free(u.btf);
	elf_close(&u.e);
	return u.problems ? 1 : 0;
}

/* --------------------------------------------------------------- scan */

/*
 * One line per file: PATH IDS SETS SET8S KFUNC_SET8S BTF_SIZE
 * IDS is 1 when the file has a .BTF_ids section; KFUNC_SET8S counts the
 * set8s whose header flags carry BTF_SET8_KFUNCS (bit 0).
 */
static int cmd_scan(int n, char **paths)
{
	for (int f = 0; f < n; f++) {
		unsigned long sets = 0, set8s = 0, kfs = 0;
		GElf_Shdr ish, bsh, sh;
		Elf_Scn *iscn, *bscn, *scn = NULL;
		Elf_Data *idd = NULL, *symd = NULL;
		size_t strndx = 0, nsyms = 0;
		struct elfin e;

		elf_open_ro(&e, paths[f]);
		big_endian_elf = e.eh.e_ident[EI_DATA] == ELFDATA2MSB;
		iscn = find_scn(&e, ".BTF_ids", &ish);
		bscn = find_scn(&e, ".BTF", &bsh);
		if (iscn)
			idd = elf_rawdata(iscn, NULL);
		while (iscn && (scn = elf_nextscn(e.elf, scn))) {
			if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB) {
				symd = elf_getdata(scn, NULL);
				strndx = sh.sh_link;
				nsyms = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
				break;
			}
		}
		for (size_t i = 0; symd && idd && i < nsyms; i++) {
			GElf_Sym sym;
			const char *nm;
			uint64_t off;

			if (!gelf_getsym(symd, i, &sym) || sym.st_shndx != elf_ndxscn(iscn))
				continue;
			nm = elf_strptr(e.elf, strndx, sym.st_name);
			if (!nm)
				continue;
			off = sym.st_value - ish.sh_addr;
			if (!strncmp(nm, PFX "set8__", strlen(PFX "set8__"))) {
				set8s++;
				if (off + 8 <= idd->d_size &&
				    (rd32((unsigned char *)idd->d_buf + off + 4) & 1))
					kfs++;
			} else if (!strncmp(nm, PFX "set__", strlen(PFX "set__"))) {
				sets++;
			}
		}
		printf("%s %d %lu %lu %lu %llu\n", paths[f], iscn != NULL, sets, set8s,
		       kfs, bscn ? (unsigned long long)bsh.sh_size : 0ULL);
		elf_close(&e);
	}
	return 0;
}

/* ------------------------------------------------------------ elfdiff */

struct region {
	uint64_t off, size;
	char name[96];
};

struct mapped {
	unsigned char *p;
	size_t len;
};

static void map_file(struct mapped *m, const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st))
		die("%s: %s", path, strerror(errno));
	m->len = st.st_size;
	m->p = m->len ? mmap(NULL, m->len, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
	if (m->len && m->p == MAP_FAILED)
		die("%s: mmap: %s", path, strerror(errno));
	close(fd);
}

/* Regions of file A: headers and the contents of every section. */
static size_t regions_of(struct elfin *e, struct region **out)
{
	size_t n = 0, cap = 16, shnum = 0;
	struct region *r = xcalloc(cap, sizeof(*r));
	Elf_Scn *scn = NULL;

	elf_getshdrnum(e->elf, &shnum);
	r = realloc(r, (shnum + 4) * sizeof(*r));
	if (!r)
		die("out of memory");
	r[n++] = (struct region){ 0, e->eh.e_ehsize, "ELF header" };
	if (e->eh.e_phnum)
		r[n++] = (struct region){ e->eh.e_phoff,
			(uint64_t)e->eh.e_phnum * e->eh.e_phentsize, "program headers" };
	if (shnum)
		r[n++] = (struct region){ e->eh.e_shoff,
			(uint64_t)shnum * e->eh.e_shentsize, "section headers" };
	while ((scn = elf_nextscn(e->elf, scn))) {
		GElf_Shdr sh;
		const char *nm;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS || !sh.sh_size)
			continue;
		nm = elf_strptr(e->elf, e->shstrndx, sh.sh_name);
		r[n].off = sh.sh_offset;
		r[n].size = sh.sh_size;
		snprintf(r[n].name, sizeof(r[n].name), "section [%zu] %s",
			 elf_ndxscn(scn), nm ? nm : "?");
		n++;
	}
	*out = r;
	return n;
}

static const char *region_at(struct region *r, size_t n, uint64_t off)
{
	for (size_t i = 0; i < n; i++)
		if (off >= r[i].off && off < r[i].off + r[i].size)
			return r[i].name;
	return "outside any section (padding/gap)";
}

/* Bytes that differ between @da and @db, and the first; both may be NULL. */
static size_t count_diff(const Elf_Data *da, const Elf_Data *db, size_t *first)
{
	size_t i, ndiff = 0, len;

	*first = 0;
	len = da && db ? (da->d_size < db->d_size ? da->d_size : db->d_size) : 0;
	for (i = 0; i < len; i++)
		if (((unsigned char *)da->d_buf)[i] != ((unsigned char *)db->d_buf)[i]) {
			if (!ndiff++)
				*first = i;
		}
	return ndiff;
}

/* One section of each file: header and contents; 2 if they differ. */
static int diff_section(struct elfin *a, Elf_Scn *sa, Elf_Scn *sb)
{
	const char *nm;
	GElf_Shdr ha, hb;
	Elf_Data *da, *db;
	size_t first, ndiff;
	int rc = 0;

	gelf_getshdr(sa, &ha);
	gelf_getshdr(sb, &hb);
	nm = elf_strptr(a->elf, a->shstrndx, ha.sh_name);
	if (memcmp(&ha, &hb, sizeof(ha))) {
		printf("section [%zu] %s: header differs (offset 0x%llx/0x%llx size 0x%llx/0x%llx)\n",
		       elf_ndxscn(sa), nm ? nm : "?",
		       (unsigned long long)ha.sh_offset, (unsigned long long)hb.sh_offset,
		       (unsigned long long)ha.sh_size, (unsigned long long)hb.sh_size);
		rc = 2;
	}
	if (ha.sh_type == SHT_NOBITS)
		return rc;
	da = elf_rawdata(sa, NULL);
	db = elf_rawdata(sb, NULL);
	if (da && db && da->d_size == db->d_size &&
	    (!da->d_size || !memcmp(da->d_buf, db->d_buf, da->d_size)))
		return rc;
	ndiff = count_diff(da, db, &first);
	printf("section [%zu] %s: contents differ (%zu bytes, first at +0x%zx)\n",
	       elf_ndxscn(sa), nm ? nm : "?", ndiff, first);
	return 2;
}

/* Section by section, in file order: 2 if any differs. */
static int diff_sections(struct elfin *a, struct elfin *b)
{
	size_t na = 0, nb = 0;
	Elf_Scn *sa = NULL, *sb = NULL;
	int rc = 0;

	elf_getshdrnum(a->elf, &na);
	elf_getshdrnum(b->elf, &nb);
	if (na != nb) {
		printf("section count differs: %zu vs %zu\n", na, nb);
		rc = 2;
	}
	while ((sa = elf_nextscn(a->elf, sa)) && (sb = elf_nextscn(b->elf, sb)))
		if (diff_section(a, sa, sb))
			rc = 2;
	return rc;
}

/*
 * Then raw bytes, so that padding and layout changes show too: runs of
 * differing bytes named by the region of @a they fall in. 1 if any.
 */
static int diff_bytes(struct elfin *a, const char *pa, const char *pb)
{
	size_t len, ndiff = 0, shown = 0, run_start = 0, run_len = 0, nra, i;
	struct mapped ma, mb;
	const char *cur = NULL;
	struct region *ra;
	int rc = 0;

	map_file(&ma, pa);
	map_file(&mb, pb);
	nra = regions_of(a, &ra);
	if (ma.len != mb.len) {
		printf("file size differs: %zu vs %zu\n", ma.len, mb.len);
		rc = 1;
	}
	len = ma.len < mb.len ? ma.len : mb.len;
	for (i = 0; i <= len; i++) {
		const char *where;

		if (i < len && ma.p[i] != mb.p[i]) {
			ndiff++;
			if (!run_len)
				run_start = i;
			run_len++;
			continue;
		}
		if (!run_len)
			continue;
		where = region_at(ra, nra, run_start);
		if ((shown < 8 || where != cur) && shown++ < 20)
			printf("bytes differ at 0x%zx..0x%zx (%zu bytes) in %s\n",
			       run_start, run_start + run_len - 1, run_len, where);
		cur = where;
		run_len = 0;
	}
	if (ndiff) {
		printf("%zu differing bytes in total\n", ndiff);
		rc = 1;
	}
	free(ra);
	return rc;
}

/* Two ELF files: "identical", or where they differ; 0, 1 (bytes) or 2 (sections). */
static int cmd_elfdiff(const char *pa, const char *pb)
{
	struct elfin a, b;
	int rc, rb;

	elf_open_ro(&a, pa);
	elf_open_ro(&b, pb);
	rc = diff_sections(&a, &b);
	rb = diff_bytes(&a, pa, pb);
	if (!rc)
		rc = rb;
	if (!rc)
		printf("identical\n");
	elf_close(&a);
	elf_close(&b);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "unresolve"))
		return cmd_unresolve(argv[2], argv[3]);
	if (argc == 5 && !strcmp(argv[1], "section"))
		return cmd_section(argv[2], argv[3], argv[4]);
	if (argc >= 2 && !strcmp(argv[1], "scan"))
		return cmd_scan(argc - 2, argv + 2);
	if (argc == 4 && !strcmp(argv[1], "elfdiff"))
		return cmd_elfdiff(argv[2], argv[3]);
	fprintf(stderr,
		"usage: kbtf unresolve ELF OUT\n"
		"       kbtf section ELF NAME OUT\n"
		"       kbtf elfdiff A B\n"
		"       kbtf scan ELF...\n");
	return 3;
}
