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

static int cmd_unresolve(const char *path, const char *out)
{
	size_t nsyms = 0, np = 0, nlk = 0, i, k;
	unsigned long n_set = 0, n_set8 = 0, n_pairs = 0, n_flags = 0;
	unsigned long problems = 0, ambiguous = 0, unresolved = 0;
	unsigned long stray = 0, ids_section_syms = 0;
	Elf_Data *idd, *symd = NULL;
	GElf_Shdr ish, ssh;
	Elf_Scn *iscn, *scn = NULL;
	struct lookup *lk;
	struct psym *ps;
	unsigned char *orig, *blob;
	bool *covered;
	size_t ids_ndx, strndx = 0, size;
	struct elfin e;
	struct btf *btf;
	uint32_t ntypes;

	elf_open_ro(&e, path);
	big_endian_elf = e.eh.e_ident[EI_DATA] == ELFDATA2MSB;
	iscn = find_scn(&e, ".BTF_ids", &ish);
	if (!iscn)
		die("%s: no .BTF_ids section", path);
	ids_ndx = elf_ndxscn(iscn);
	idd = elf_rawdata(iscn, NULL);
	if (!idd || !idd->d_buf)
		die("%s: .BTF_ids has no data", path);
	size = idd->d_size;
	if (size % 4)
		die("%s: .BTF_ids size %zu is not a multiple of 4", path, size);
	orig = idd->d_buf;
	blob = xcalloc(size, 1);
	memcpy(blob, orig, size);

	while ((scn = elf_nextscn(e.elf, scn))) {
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB) {
			ssh = sh;
			symd = elf_getdata(scn, NULL);
			strndx = sh.sh_link;
			break;
		}
	}
	if (!symd)
		die("%s: no symbol table", path);
	nsyms = ssh.sh_entsize ? ssh.sh_size / ssh.sh_entsize : 0;

	ps = xcalloc(nsyms, sizeof(*ps));
	for (i = 0; i < nsyms; i++) {
		static const struct { const char *p; enum pkind k; } pre[] = {
			{ "struct__", P_STRUCT }, { "union__", P_UNION },
			{ "typedef__", P_TYPEDEF }, { "func__", P_FUNC },
			{ "set8__", P_SET8 }, { "set__", P_SET },
		};
		const char *name, *rest;
		struct psym *p = &ps[np];
		GElf_Sym sym;

		if (!gelf_getsym(symd, i, &sym) || sym.st_shndx != ids_ndx)
			continue;
		name = elf_strptr(e.elf, strndx, sym.st_name);
		if (!name || strncmp(name, PFX, strlen(PFX)))
			continue;
		ids_section_syms++;
		rest = name + strlen(PFX);
		for (k = 0; k < sizeof(pre) / sizeof(pre[0]); k++)
			if (!strncmp(rest, pre[k].p, strlen(pre[k].p)))
				break;
		if (k == sizeof(pre) / sizeof(pre[0])) {
			fprintf(stderr, "kbtf: unknown symbol %s\n", name);
			problems++;
			continue;
		}
		p->kind = pre[k].k;
		p->size = sym.st_size;
		p->off = sym.st_value - ish.sh_addr;
		if (p->off + 4 > size) {
			fprintf(stderr, "kbtf: %s lies outside .BTF_ids\n", name);
			problems++;
			continue;
		}
		if (p->kind == P_SET || p->kind == P_SET8) {
			p->name = strdup(rest + strlen(pre[k].p));
		} else {
			p->name = strip_unique(rest + strlen(pre[k].p));
			if (!p->name) {
				fprintf(stderr, "kbtf: cannot parse %s\n", name);
				problems++;
				continue;
			}
		}
		np++;
	}
	qsort(ps, np, sizeof(*ps), cmp_psym_off);

	/* Resolve placeholder names: first ID of that kind and name. */
	lk = xcalloc(np, sizeof(*lk));
	for (i = 0; i < np; i++)
		if (ps[i].kind != P_SET && ps[i].kind != P_SET8)
			lk[nlk++] = (struct lookup){ ps[i].kind, ps[i].name, 0 };
	qsort(lk, nlk, sizeof(*lk), cmp_lookup);
	for (i = 0, k = 0; i < nlk; i++)	/* unique */
		if (!k || cmp_lookup(&lk[k - 1], &lk[i]))
			lk[k++] = lk[i];
	nlk = k;

	btf = btf__parse_elf(path, NULL);
	if (!btf)
		die("%s: cannot load .BTF: %s", path, strerror(errno));
	ntypes = btf__type_cnt(btf);
	for (uint32_t id = 1; id < ntypes; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		struct lookup key, *hit;
		enum pkind kd;

		if (btf_is_func(t))
			kd = P_FUNC;
		else if (btf_is_struct(t))
			kd = P_STRUCT;
		else if (btf_is_union(t))
			kd = P_UNION;
		else if (btf_is_typedef(t))
			kd = P_TYPEDEF;
		else
			continue;
		key.kind = kd;
		key.name = btf__name_by_offset(btf, t->name_off);
		if (!key.name)
			continue;
		hit = bsearch(&key, lk, nlk, sizeof(*lk), cmp_lookup);
		if (hit && !hit->id && kind_matches(kd, t))
			hit->id = id;
	}
	for (i = 0; i < np; i++) {
		struct lookup key = { ps[i].kind, ps[i].name, 0 }, *hit;

		if (ps[i].kind == P_SET || ps[i].kind == P_SET8)
			continue;
		hit = bsearch(&key, lk, nlk, sizeof(*lk), cmp_lookup);
		ps[i].id = hit ? hit->id : 0;
		if (!ps[i].id)
			unresolved++;
	}
	/*
	 * The resolved section must agree with the lookup: word by word
	 * outside sets, as a multiset inside each set (sets are sorted).
	 */
	for (i = 0; i < np; i++) {
		bool in_set = false;

		if (ps[i].kind == P_SET || ps[i].kind == P_SET8)
			continue;
		for (k = 0; k < np && !in_set; k++) {
			uint64_t body = ps[k].kind == P_SET ? 4 : 8;

			if (ps[k].kind != P_SET && ps[k].kind != P_SET8)
				continue;
			in_set = ps[i].off >= ps[k].off + body &&
				 ps[i].off < ps[k].off + ps[k].size;
		}
		if (!in_set && rd32(orig + ps[i].off) != ps[i].id) {
			fprintf(stderr, "kbtf: %s at 0x%llx holds %u, BTF says %u\n",
				ps[i].name, (unsigned long long)ps[i].off,
				rd32(orig + ps[i].off), ps[i].id);
			problems++;
		}
	}

	/* set8: give every pair's flags back to its own symbol. */
	covered = xcalloc(size / 4, sizeof(*covered));
	for (i = 0; i < np; i++) {
		struct psym *s = &ps[i];
		uint64_t cnt, lo, hi;
		bool *used;

		if (s->kind == P_SET) {
			uint32_t *have, *want;
			uint64_t nw = 0, j;

			n_set++;
			cnt = s->size / 4 ? s->size / 4 - 1 : 0;
			if (rd32(orig + s->off) != cnt) {
				fprintf(stderr, "kbtf: set %s: count %u, symbol size says %llu\n",
					s->name, rd32(orig + s->off), (unsigned long long)cnt);
				problems++;
			}
			if (s->off + 4 + 4 * cnt > size) {
				fprintf(stderr, "kbtf: set %s runs past the section\n", s->name);
				problems++;
				continue;
			}
			/* members as a multiset: sorted words vs sorted lookups */
			have = xcalloc(cnt, sizeof(*have));
			want = xcalloc(cnt, sizeof(*want));
			for (j = 0; j < cnt; j++)
				have[j] = rd32(orig + s->off + 4 + 4 * j);
			for (j = 0; j < np; j++)
				if (ps[j].kind != P_SET && ps[j].kind != P_SET8 &&
				    ps[j].off >= s->off + 4 && ps[j].off < s->off + 4 + 4 * cnt &&
				    nw < cnt)
					want[nw++] = ps[j].id;	/* slots without symbol stay 0 */
			qsort(have, cnt, sizeof(*have), cmp_u32);
			qsort(want, cnt, sizeof(*want), cmp_u32);
			if (memcmp(have, want, cnt * sizeof(*have))) {
				fprintf(stderr, "kbtf: set %s: members differ from the BTF lookup\n",
					s->name);
				problems++;
			}
			free(have);
			free(want);
			wr32(blob + s->off, 0);
			covered[s->off / 4] = true;
			continue;
		}
		if (s->kind != P_SET8) {
			wr32(blob + s->off, 0);
			covered[s->off / 4] = true;
			continue;
		}
		n_set8++;
		cnt = s->size / 8 ? s->size / 8 - 1 : 0;
		if (rd32(orig + s->off) != cnt) {
			fprintf(stderr, "kbtf: set8 %s: count %u, symbol size says %llu\n",
				s->name, rd32(orig + s->off), (unsigned long long)cnt);
			problems++;
		}
		wr32(blob + s->off, 0);
		covered[s->off / 4] = covered[s->off / 4 + 1] = true;
		lo = s->off + 8;
		hi = lo + 8 * cnt;
		if (hi > size) {
			fprintf(stderr, "kbtf: set8 %s runs past the section\n", s->name);
			problems++;
			continue;
		}
		used = xcalloc(cnt, sizeof(*used));
		for (uint64_t slot = lo; slot < hi; slot += 8) {
			uint32_t want = 0, flags = 0;
			bool have_sym = false, found = false;
			uint64_t j, pick = 0;

			/* symbol(s) at this slot: all must agree on the ID */
			for (j = 0; j < np; j++) {
				if (ps[j].off != slot || ps[j].kind == P_SET || ps[j].kind == P_SET8)
					continue;
				if (have_sym && ps[j].id != want) {
					fprintf(stderr, "kbtf: set8 %s: slot 0x%llx has symbols of IDs %u and %u\n",
						s->name, (unsigned long long)slot, want, ps[j].id);
					problems++;
				}
				want = ps[j].id;
				have_sym = true;
			}
			for (j = 0; j < cnt; j++) {
				uint32_t pid = rd32(orig + lo + 8 * j);
				uint32_t pfl = rd32(orig + lo + 8 * j + 4);

				if (used[j] || pid != want)
					continue;
				if (!found) {
					found = true;
					pick = j;
					flags = pfl;
				} else if (pfl != flags) {
					ambiguous++;
					break;
				}
			}
			if (!found) {
				fprintf(stderr, "kbtf: set8 %s: no pair left with ID %u for slot 0x%llx\n",
					s->name, want, (unsigned long long)slot);
				problems++;
				continue;
			}
			used[pick] = true;
			wr32(blob + slot, 0);
			wr32(blob + slot + 4, flags);
			covered[slot / 4] = covered[slot / 4 + 1] = true;
			n_pairs++;
			if (flags)
				n_flags++;
		}
		free(used);
	}

	/* Words no symbol accounts for: they should be zero already. */
	for (i = 0; i < size / 4; i++)
		if (!covered[i] && rd32(blob + 4 * i))
			stray++;

	write_file(out, blob, size);
	printf("symbols %lu, sets %lu, set8s %lu, pairs %lu (%lu with flags), "
	       "unresolved %lu, ambiguous %lu, stray nonzero words %lu, problems %lu\n",
	       ids_section_syms, n_set, n_set8, n_pairs, n_flags, unresolved,
	       ambiguous, stray, problems);
	btf__free(btf);
	elf_close(&e);
	return problems ? 1 : 0;
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

static int cmd_elfdiff(const char *pa, const char *pb)
{
	struct elfin a, b;
	struct mapped ma, mb;
	struct region *ra;
	size_t nra, na = 0, nb = 0, i;
	int rc = 0;
	Elf_Scn *sa = NULL, *sb = NULL;

	elf_open_ro(&a, pa);
	elf_open_ro(&b, pb);
	elf_getshdrnum(a.elf, &na);
	elf_getshdrnum(b.elf, &nb);
	if (na != nb) {
		printf("section count differs: %zu vs %zu\n", na, nb);
		rc = 2;
	}
	/* Section by section: headers and contents, in file order. */
	while ((sa = elf_nextscn(a.elf, sa)) && (sb = elf_nextscn(b.elf, sb))) {
		GElf_Shdr ha, hb;
		Elf_Data *da, *db;
		const char *nm;

		gelf_getshdr(sa, &ha);
		gelf_getshdr(sb, &hb);
		nm = elf_strptr(a.elf, a.shstrndx, ha.sh_name);
		if (memcmp(&ha, &hb, sizeof(ha))) {
			printf("section [%zu] %s: header differs (offset 0x%llx/0x%llx size 0x%llx/0x%llx)\n",
			       elf_ndxscn(sa), nm ? nm : "?",
			       (unsigned long long)ha.sh_offset, (unsigned long long)hb.sh_offset,
			       (unsigned long long)ha.sh_size, (unsigned long long)hb.sh_size);
			rc = 2;
		}
		if (ha.sh_type == SHT_NOBITS)
			continue;
		da = elf_rawdata(sa, NULL);
		db = elf_rawdata(sb, NULL);
		if (!da || !db || da->d_size != db->d_size ||
		    (da->d_size && memcmp(da->d_buf, db->d_buf, da->d_size))) {
			size_t first = 0, ndiff = 0, len;

			len = da && db ? (da->d_size < db->d_size ? da->d_size : db->d_size) : 0;
			for (i = 0; i < len; i++)
				if (((unsigned char *)da->d_buf)[i] != ((unsigned char *)db->d_buf)[i]) {
					if (!ndiff++)
						first = i;
				}
			printf("section [%zu] %s: contents differ (%zu bytes, first at +0x%zx)\n",
			       elf_ndxscn(sa), nm ? nm : "?", ndiff, first);
			rc = 2;
		}
	}

	/* Then raw bytes, so that padding and layout changes show too. */
	map_file(&ma, pa);
	map_file(&mb, pb);
	nra = regions_of(&a, &ra);
	if (ma.len != mb.len) {
		printf("file size differs: %zu vs %zu\n", ma.len, mb.len);
		if (!rc)
			rc = 1;
	}
	{
		size_t len = ma.len < mb.len ? ma.len : mb.len, ndiff = 0, shown = 0;
		const char *cur = NULL;
		size_t run_start = 0, run_len = 0;

		for (i = 0; i <= len; i++) {
			bool d = i < len && ma.p[i] != mb.p[i];

			if (d) {
				ndiff++;
				if (!run_len)
					run_start = i;
				run_len++;
				continue;
			}
			if (run_len) {
				const char *where = region_at(ra, nra, run_start);

				if (shown < 8 || where != cur)
					if (shown++ < 20)
						printf("bytes differ at 0x%zx..0x%zx (%zu bytes) in %s\n",
						       run_start, run_start + run_len - 1,
						       run_len, where);
				cur = where;
				run_len = 0;
			}
		}
		if (ndiff) {
			printf("%zu differing bytes in total\n", ndiff);
			if (!rc)
				rc = 1;
		}
	}
	if (!rc)
		printf("identical\n");
	free(ra);
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
