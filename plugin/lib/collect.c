// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * collect.c - stage 1: read the ELF object (read-only) and gather the
 * .BTF_ids section and its placeholder symbols.
 *
 * The placeholder forms, as the kernel's <linux/btf_ids.h> lays them out:
 *
 *   __BTF_ID__func__vfs_close__1:     .zero 4      one id; also struct,
 *                                                  union and typedef
 *   __BTF_ID__set__list:              .zero 4      u32 cnt, then cnt ids;
 *                                                  symbol size = 4 + 4 * cnt
 *   __BTF_ID__set8__list:             .zero 4      u32 cnt, u32 flags, then
 *                                     .long flags  cnt (id, flags) pairs;
 *                                                  symbol size = 8 + 8 * cnt
 *
 * The trailing __<n> of an id symbol only makes it unique; one name may sit
 * at any number of addresses. Set names are unique.
 *
 * Takes an ELF path; hands on struct btfids_placeholders (collect.h): the
 * section as host-order words and the placeholders, each with its section
 * offsets. The sections and their links are checked by elf_sections.c; the symbol
 * table's own links here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "elf_sections.h"

#define BTF_ID_PREFIX	"__BTF_ID__"

/* Placeholder kinds by the word after __BTF_ID__; "set8" before "set". */
static const struct {
	const char *prefix;
	enum btfids_ns ns;
	enum btfids_sym_kind kind;
} placeholder_kinds[] = {
	{ "struct",	BTFIDS_NS_STRUCT,	BTFIDS_SYM_ID },
	{ "union",	BTFIDS_NS_UNION,	BTFIDS_SYM_ID },
	{ "typedef",	BTFIDS_NS_TYPEDEF,	BTFIDS_SYM_ID },
	{ "func",	BTFIDS_NS_FUNC,		BTFIDS_SYM_ID },
	{ "set8",	BTFIDS_NS_SET,		BTFIDS_SYM_SET8 },
	{ "set",	BTFIDS_NS_SET,		BTFIDS_SYM_SET },
};

/* What collecting works with besides its output. */
struct collect {
	struct btfids_log *lg;
	struct btfids_elf ef;
	struct btfids_placeholders *ph;
	const char *strs;		/* the symbol table's strings */
	size_t strs_size;
	bool elf64;
	struct btfids_banner_sym banner;	/* for release.c */
};

struct btfids_sym *btfids_table_add(struct btfids_table *t, const char *name, size_t len,
				    bool *added)
{
	int i;

	/* room first: a name must never be there without its entry */
	if (btfids_grow(&t->syms, &t->cap_syms, t->names.nr + 1, sizeof(*t->syms)))
		return NULL;
	i = btfids_names_add(&t->names, name, len, added);
	if (i < 0)
		return NULL;
	if (*added)
		memset(&t->syms[i], 0, sizeof(t->syms[i]));
	return &t->syms[i];
}

int btfids_sym_add_off(struct btfids_sym *s, __u32 off)
{
	if (btfids_grow(&s->offs, &s->cap_offs, s->nr_offs + 1, sizeof(*s->offs)))
		return -ENOMEM;
	s->offs[s->nr_offs++] = off;
	return 0;
}

void btfids_placeholders_free(struct btfids_placeholders *ph)
{
	__u32 i;
	int ns;

	for (ns = 0; ns < BTFIDS_NS_NR; ns++) {
		struct btfids_table *t = &ph->ns[ns];

		for (i = 0; i < t->names.nr; i++)
			free(t->syms[i].offs);
		free(t->syms);
		btfids_names_free(&t->names);
	}
	free(ph->words);
	free(ph->at);
	memset(ph, 0, sizeof(*ph));
}

/* Copy .BTF_ids into host-order words; the pass works on those. */
static int load_ids_section(struct collect *c)
{
	struct btfids_placeholders *ph = c->ph;
	const GElf_Shdr *sh = &c->ef.ids_shdr;
	Elf_Data *data;
	size_t i, nr;

	if (sh->sh_flags & SHF_COMPRESSED) {
		btfids_error(c->lg, c->ef.path, "section %s is compressed", BTF_IDS_SECTION);
		return -EINVAL;
	}
	if (sh->sh_type == SHT_NOBITS) {
		btfids_error(c->lg, c->ef.path, "section %s has no contents in the file (SHT_NOBITS)",
			     BTF_IDS_SECTION);
		return -EINVAL;
	}
	data = elf_getdata(c->ef.ids_scn, NULL);
	if (!data)
		return btfids_elf_err(c->lg, &c->ef, "cannot read section " BTF_IDS_SECTION);
	if (data->d_size % BTFIDS_WORD_SIZE) {
		btfids_error(c->lg, c->ef.path, "section %s size %zu is not a multiple of %zu",
			     BTF_IDS_SECTION, data->d_size, BTFIDS_WORD_SIZE);
		return -EINVAL;
	}
	ph->size = data->d_buf ? data->d_size : 0;
	ph->words = malloc(ph->size + BTFIDS_WORD_SIZE);
	if (!ph->words)
		return -ENOMEM;
	if (ph->size)
		memcpy(ph->words, data->d_buf, ph->size);
	nr = ph->size / BTFIDS_WORD_SIZE;
	for (i = 0; ph->swap && i < nr; i++)
		ph->words[i] = btfids_bswap32(ph->words[i]);
	return 0;
}

/*
 * The name of an id placeholder: what follows "<kind>__" up to the last
 * "__<n>". Like resolve_btfids, the two characters after the kind are
 * skipped, not checked, and the name must fit KSYM_NAME_LEN.
 */
static int parse_id_name(struct collect *c, const char *sym, const char *rest, size_t *len)
{
	size_t rest_len = strlen(rest);
	const char *last;

	if (rest_len <= 2 || rest_len - 2 >= BTFIDS_NAME_MAX) {
		btfids_error(c->lg, c->ef.path, "symbol %s: malformed name (length %zu)", sym, rest_len);
		return -EINVAL;
	}
	rest += 2;
	last = strrchr(rest, '_');
	if (!last || last == rest || last[-1] != '_') {
		btfids_error(c->lg, c->ef.path, "symbol %s: name lacks the __<n> suffix", sym);
		return -EINVAL;
	}
	*len = last - 1 - rest;
	return 0;
}

/* A set's entry count, from its symbol size (header included). */
static int set_count(struct collect *c, const char *sym, enum btfids_sym_kind kind,
		     __u64 size, __u32 off, __u32 *cnt)
{
	size_t entry = btfids_set_entry_size(kind);

	if (size < entry || size % entry) {
		btfids_error(c->lg, c->ef.path, "set %s: size %llu is not a header plus whole %zu-byte entries",
			     sym, (unsigned long long)size, entry);
		return -EINVAL;
	}
	if (size > c->ph->size - off) {
		btfids_error(c->lg, c->ef.path, "set %s: %llu bytes at offset %u run past the end of %s (%zu bytes)",
			     sym, (unsigned long long)size, off, BTF_IDS_SECTION, c->ph->size);
		return -EINVAL;
	}
	*cnt = size / entry - 1;
	return 0;
}

static int add_at(struct btfids_placeholders *ph, __u32 off, __u32 ns, __u32 name)
{
	if (btfids_grow(&ph->at, &ph->cap_at, ph->nr_at + 1, sizeof(*ph->at)))
		return -ENOMEM;
	ph->at[ph->nr_at++] = (struct btfids_at){ .off = off, .ns = ns, .name = name };
	return 0;
}

static int add_placeholder(struct collect *c, const char *sym, __u32 off, __u64 size)
{
	const char *kind_str = sym + sizeof(BTF_ID_PREFIX) - 1;
	const char *rest = NULL, *name;
	struct btfids_table *t;
	struct btfids_sym *s;
	enum btfids_sym_kind kind;
	size_t i, len;
	bool added;
	int err;

	for (i = 0; i < sizeof(placeholder_kinds) / sizeof(placeholder_kinds[0]); i++) {
		size_t n = strlen(placeholder_kinds[i].prefix);

		if (!strncmp(kind_str, placeholder_kinds[i].prefix, n)) {
			rest = kind_str + n;
			break;
		}
	}
	if (!rest) {
		btfids_error(c->lg, c->ef.path, "symbol %s: unsupported placeholder kind", sym);
		return -EINVAL;
	}
	t = &c->ph->ns[placeholder_kinds[i].ns];
	kind = placeholder_kinds[i].kind;

	if (kind == BTFIDS_SYM_ID) {
		err = parse_id_name(c, sym, rest, &len);
		if (err)
			return err;
		name = rest + 2;
		t->nr_elf_syms++;
	} else {
		if (strlen(rest) <= 2) {
			btfids_error(c->lg, c->ef.path, "symbol %s: set without a name", sym);
			return -EINVAL;
		}
		name = rest + 2;
		len = strlen(name);
	}

	s = btfids_table_add(t, name, len, &added);
	if (!s)
		return -ENOMEM;
	if (kind != BTFIDS_SYM_ID) {
		if (!added) {
			btfids_error(c->lg, c->ef.path, "symbol %s: a set named '%.*s' already exists",
				     sym, (int)len, name);
			return -EINVAL;
		}
		err = set_count(c, sym, kind, size, off, &s->cnt);
		if (err)
			return err;
	}
	s->kind = kind;
	err = btfids_sym_add_off(s, off);
	return err ? err : add_at(c->ph, off, placeholder_kinds[i].ns, s - t->syms);
}

/* Turn a symbol value into a checked offset into .BTF_ids. */
static int symbol_offset(struct collect *c, const char *sym, __u64 value, __u32 *off)
{
	const GElf_Shdr *ids = &c->ef.ids_shdr;
	__u64 rel = value - ids->sh_addr;

	if (value < ids->sh_addr || rel >= c->ph->size || c->ph->size - rel < BTFIDS_WORD_SIZE) {
		btfids_error(c->lg, c->ef.path, "symbol %s at 0x%llx lies outside %s (0x%llx, %zu bytes)",
			     sym, (unsigned long long)value, BTF_IDS_SECTION,
			     (unsigned long long)ids->sh_addr, c->ph->size);
		return -EINVAL;
	}
	if (rel % BTFIDS_WORD_SIZE) {
		btfids_error(c->lg, c->ef.path, "symbol %s at 0x%llx is not 4-byte aligned",
			     sym, (unsigned long long)value);
		return -EINVAL;
	}
	*off = rel;
	return 0;
}

/*
 * The symbol table's links: entries of the class's size, whole; its string
 * table a string table inside the file, ending in a NUL (so every name in
 * range is terminated); an extended index table, if any, belonging to it.
 */
static int check_symtab(struct collect *c)
{
	const struct btfids_elf *ef = &c->ef;
	const GElf_Shdr *sh = &ef->sym_shdr;
	size_t entsize = gelf_fsize(ef->elf, ELF_T_SYM, 1, EV_CURRENT);
	Elf_Scn *str_scn;
	Elf_Data *strs;
	GElf_Shdr str_sh;

	if (sh->sh_entsize != entsize || sh->sh_size % entsize) {
		btfids_error(c->lg, ef->path, "symbol table has entry size %llu and size %llu, not whole %zu-byte entries",
			     (unsigned long long)sh->sh_entsize, (unsigned long long)sh->sh_size,
			     entsize);
		return -EINVAL;
	}
	str_scn = sh->sh_link < ef->shnum ? elf_getscn(ef->elf, sh->sh_link) : NULL;
	if (!str_scn || gelf_getshdr(str_scn, &str_sh) != &str_sh ||
	    str_sh.sh_type != SHT_STRTAB || btfids_elf_check_bounds(c->lg, ef, &str_sh, "strings")) {
		btfids_error(c->lg, ef->path, "symbol table links section %u, not a string table",
			     sh->sh_link);
		return -EINVAL;
	}
	strs = elf_getdata(str_scn, NULL);
	if (!strs)
		return btfids_elf_err(c->lg, ef, "cannot read the symbol table's strings");
	if (!strs->d_size || ((const char *)strs->d_buf)[strs->d_size - 1]) {
		btfids_error(c->lg, ef->path, "the symbol table's strings (section %u) do not end in a NUL",
			     sh->sh_link);
		return -EINVAL;
	}
	c->strs = strs->d_buf;
	c->strs_size = strs->d_size;
	if (ef->xndx_scn && ef->xndx_shdr.sh_link != ef->sym_shndx) {
		btfids_error(c->lg, ef->path, "extended section index table links section %u, not the symbol table (%zu)",
			     ef->xndx_shdr.sh_link, ef->sym_shndx);
		return -EINVAL;
	}
	return 0;
}

/* What the pass reads of a symbol. */
struct sym_info {
	const char *name;
	size_t shndx;		/* extended indexes followed */
	__u64 value;
	__u64 size;
};

/*
 * Symbol @i, read from libelf's in-memory (host order) copy of the table:
 * a vmlinux has hundreds of thousands, and gelf_getsymshndx() per symbol
 * costs more than the rest of collecting.
 */
static int read_symbol(struct collect *c, const Elf_Data *data, const Elf_Data *xndx,
		       size_t i, struct sym_info *si)
{
	__u32 name_off;
	__u16 shndx;

	if (c->elf64) {
		const Elf64_Sym *sym = (const Elf64_Sym *)data->d_buf + i;

		name_off = sym->st_name, shndx = sym->st_shndx;
		si->value = sym->st_value, si->size = sym->st_size;
	} else {
		const Elf32_Sym *sym = (const Elf32_Sym *)data->d_buf + i;

		name_off = sym->st_name, shndx = sym->st_shndx;
		si->value = sym->st_value, si->size = sym->st_size;
	}
	if (name_off >= c->strs_size) {
		btfids_error(c->lg, c->ef.path, "symbol %zu: name offset %u lies outside its string table (%zu bytes)",
			     i, name_off, c->strs_size);
		return -EINVAL;
	}
	si->name = c->strs + name_off;
	si->shndx = shndx;
	if (shndx != SHN_XINDEX)
		return 0;
	if (!xndx || xndx->d_size / sizeof(Elf32_Word) <= i) {
		btfids_error(c->lg, c->ef.path, "symbol %s: extended section index, but no SHT_SYMTAB_SHNDX entry for it",
			     si->name);
		return -EINVAL;
	}
	si->shndx = ((const Elf32_Word *)xndx->d_buf)[i];
	return 0;
}

static bool is_placeholder(const char *name)
{
	return name[0] == '_' && !strncmp(name, BTF_ID_PREFIX, sizeof(BTF_ID_PREFIX) - 1);
}

/* The first linux_banner, for release.c: vmlinux's symbols are read once. */
static void note_banner(struct collect *c, const struct sym_info *si)
{
	if (c->banner.found || si->name[0] != 'l' || strcmp(si->name, "linux_banner"))
		return;
	c->banner.found = true;
	c->banner.shndx = si->shndx;
	c->banner.value = si->value;
}

static int collect_symbols(struct collect *c)
{
	const struct btfids_elf *ef = &c->ef;
	Elf_Data *data, *xndx = NULL;
	struct sym_info si;
	size_t i, nr;
	__u32 off;
	int err;

	err = check_symtab(c);
	if (err)
		return err;
	nr = ef->sym_shdr.sh_size / ef->sym_shdr.sh_entsize;
	data = elf_getdata(ef->sym_scn, NULL);
	if (!data)
		return btfids_elf_err(c->lg, ef, "cannot read the symbol table");
	if (data->d_size / ef->sym_shdr.sh_entsize < nr) {
		btfids_error(c->lg, ef->path, "symbol table holds %zu bytes, not %llu",
			     data->d_size, (unsigned long long)ef->sym_shdr.sh_size);
		return -EINVAL;
	}
	if (ef->xndx_scn && !(xndx = elf_getdata(ef->xndx_scn, NULL)))
		return btfids_elf_err(c->lg, ef, "cannot read the extended section index table");

	c->elf64 = gelf_getclass(ef->elf) == ELFCLASS64;
	for (i = 0; i < nr; i++) {
		err = read_symbol(c, data, xndx, i, &si);
		if (err)
			return err;
		if (!is_placeholder(si.name)) {
			note_banner(c, &si);
			continue;
		}
		if (si.shndx != ef->ids_shndx) {
			btfids_error(c->lg, ef->path, "symbol %s lies in section %zu, not in %s (%zu)",
				     si.name, si.shndx, BTF_IDS_SECTION, ef->ids_shndx);
			return -EINVAL;
		}
		err = symbol_offset(c, si.name, si.value, &off);
		if (!err)
			err = add_placeholder(c, si.name, off, si.size);
		if (err)
			return err;
	}
	c->banner.scanned = true;
	return 0;
}

static int collect_elf(struct collect *c)
{
	GElf_Ehdr ehdr;
	int err;

	if (!gelf_getehdr(c->ef.elf, &ehdr))
		return btfids_elf_err(c->lg, &c->ef, "cannot read ELF header");
	c->ph->swap = (ehdr.e_ident[EI_DATA] == ELFDATA2LSB) != btfids_host_is_le();
	if (!c->ef.ids_scn) {
		pr_debug(c->lg, "%s: no %s section, nothing to resolve\n", c->ef.path,
			 BTF_IDS_SECTION);
		return 0;
	}
	if (!c->ef.sym_scn) {
		btfids_error(c->lg, c->ef.path, "has a %s section but no symbol table to resolve it with",
			     BTF_IDS_SECTION);
		return -EINVAL;
	}
	c->ph->has_ids = true;
	err = load_ids_section(c);
	return err ? err : collect_symbols(c);
}

int btfids_collect(struct btfids_log *lg, const char *elf_path,
		   enum btfids_collect_release release, const char *kernel,
		   struct btfids_placeholders *ph)
{
	struct collect c = { .lg = lg, .ph = ph };
	int err;

	memset(ph, 0, sizeof(*ph));
	err = btfids_elf_open(lg, elf_path, &c.ef);
	if (!err)
		err = collect_elf(&c);
	/* after the placeholders: vmlinux's linux_banner was seen among them */
	if (!err && release != BTFIDS_RELEASE_NONE)
		err = btfids_release_choose(lg, &c.ef, kernel, release == BTFIDS_RELEASE_FINISH,
					    &c.banner, &ph->release);
	btfids_elf_close(&c.ef);
	return err;
}
