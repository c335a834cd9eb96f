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
 * Hands on: b->words (the section as native-order words), b->names (the
 * placeholders, each with its section offsets), b->swap.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btfids_internal.h"

#define BTF_IDS_SECTION	".BTF_ids"
#define BTF_ID_PREFIX	"__BTF_ID__"

#if __BYTE_ORDER == __LITTLE_ENDIAN
#define ELFDATA_HOST	ELFDATA2LSB
#else
#define ELFDATA_HOST	ELFDATA2MSB
#endif

struct elf_file {
	int fd;
	Elf *elf;
	size_t file_size;
	size_t shnum;
	Elf_Scn *ids_scn;
	GElf_Shdr ids_shdr;
	size_t ids_shndx;
	Elf_Scn *sym_scn;
	GElf_Shdr sym_shdr;
	size_t sym_shndx;
	Elf_Scn *xndx_scn;		/* SHT_SYMTAB_SHNDX, or NULL */
	GElf_Shdr xndx_shdr;
	const char *strs;		/* the symbol table's strings */
	size_t strs_size;
};

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

static int elf_err(struct btfids *b, const char *what)
{
	btfids_err(b, b->elf_path, "%s: %s", what, elf_errmsg(-1));
	return -EINVAL;
}

/* libelf quietly shows no sections when their table is cut off: refuse. */
static int check_shdr_table(struct btfids *b, struct elf_file *ef)
{
	GElf_Ehdr ehdr;
	size_t nr;

	if (!gelf_getehdr(ef->elf, &ehdr))
		return elf_err(b, "cannot read ELF header");
	if (elf_getshdrnum(ef->elf, &nr))
		return elf_err(b, "cannot read the number of sections");
	if (ehdr.e_shoff > ef->file_size ||
	    (__u64)nr * ehdr.e_shentsize > ef->file_size - ehdr.e_shoff) {
		btfids_err(b, b->elf_path, "section header table (offset %llu, %zu entries) lies past the end of the file (%zu bytes)",
			(unsigned long long)ehdr.e_shoff, nr, ef->file_size);
		return -EINVAL;
	}
	return 0;
}

static int elf_open(struct btfids *b, struct elf_file *ef)
{
	struct stat st;
	int err;

	err = btfids_open_regular(&b->log, b->elf_path, &ef->fd, &st);
	if (err)
		return err;
	ef->file_size = st.st_size;

	elf_version(EV_CURRENT);
	ef->elf = elf_begin(ef->fd, ELF_C_READ_MMAP, NULL);
	if (!ef->elf)
		return elf_err(b, "cannot read ELF");
	if (elf_kind(ef->elf) != ELF_K_ELF) {
		btfids_err(b, b->elf_path, "not an ELF file");
		return -EINVAL;
	}
	return check_shdr_table(b, ef);
}

static void elf_close(struct elf_file *ef)
{
	if (ef->elf)
		elf_end(ef->elf);
	if (ef->fd >= 0)
		close(ef->fd);
}

static int check_section_bounds(struct btfids *b, struct elf_file *ef,
				const GElf_Shdr *sh, const char *name)
{
	if (sh->sh_type == SHT_NOBITS)
		return 0;
	if (sh->sh_offset > ef->file_size ||
	    sh->sh_size > ef->file_size - sh->sh_offset) {
		btfids_err(b, b->elf_path, "section %s (offset %llu, size %llu) lies past the end of the file (%zu bytes)",
			name, (unsigned long long)sh->sh_offset, (unsigned long long)sh->sh_size, ef->file_size);
		return -EINVAL;
	}
	return 0;
}

/* The section header string table: an index in range, of a string table. */
static int check_shstrtab(struct btfids *b, struct elf_file *ef, size_t shstrndx)
{
	GElf_Shdr sh;
	Elf_Scn *scn;

	scn = shstrndx < ef->shnum ? elf_getscn(ef->elf, shstrndx) : NULL;
	if (!scn || gelf_getshdr(scn, &sh) != &sh || sh.sh_type != SHT_STRTAB) {
		btfids_err(b, b->elf_path, "section name table (section %zu of %zu) is not a string table",
			   shstrndx, ef->shnum);
		return -EINVAL;
	}
	return check_section_bounds(b, ef, &sh, "names");
}

/* Remember section @scn if it is one the pass reads; each may occur once. */
static int note_section(struct btfids *b, struct elf_file *ef, Elf_Scn *scn,
			const GElf_Shdr *sh, const char *name)
{
	Elf_Scn **slot = NULL;
	GElf_Shdr *shdr = NULL;
	const char *what = NULL;

	if (sh->sh_type == SHT_SYMTAB) {
		slot = &ef->sym_scn, shdr = &ef->sym_shdr, what = "symbol tables";
	} else if (sh->sh_type == SHT_SYMTAB_SHNDX) {
		slot = &ef->xndx_scn, shdr = &ef->xndx_shdr, what = "extended section index tables";
	} else if (!strcmp(name, BTF_IDS_SECTION)) {
		slot = &ef->ids_scn, shdr = &ef->ids_shdr, what = "sections named " BTF_IDS_SECTION;
	}
	if (!slot)
		return 0;
	if (*slot) {
		btfids_err(b, b->elf_path, "two %s (sections %zu and %zu)", what,
			   elf_ndxscn(*slot), elf_ndxscn(scn));
		return -EINVAL;
	}
	*slot = scn;
	*shdr = *sh;
	return check_section_bounds(b, ef, sh, name);
}

/* Find .BTF_ids, the symbol table and its extended index table, if any. */
static int find_sections(struct btfids *b, struct elf_file *ef)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	int err;

	if (elf_getshdrnum(ef->elf, &ef->shnum) || elf_getshdrstrndx(ef->elf, &shstrndx))
		return elf_err(b, "cannot read the section header string index");
	err = check_shstrtab(b, ef, shstrndx);
	if (err)
		return err;

	while ((scn = elf_nextscn(ef->elf, scn))) {
		const char *name;
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) != &sh) {
			btfids_err(b, b->elf_path, "cannot read header of section %zu: %s",
				   elf_ndxscn(scn), elf_errmsg(-1));
			return -EINVAL;
		}
		name = elf_strptr(ef->elf, shstrndx, sh.sh_name);
		if (!name) {
			btfids_err(b, b->elf_path, "cannot read name of section %zu", elf_ndxscn(scn));
			return -EINVAL;
		}
		err = note_section(b, ef, scn, &sh, name);
		if (err)
			return err;
	}
	if (ef->ids_scn)
		ef->ids_shndx = elf_ndxscn(ef->ids_scn);
	if (ef->sym_scn)
		ef->sym_shndx = elf_ndxscn(ef->sym_scn);
	return 0;
}

/* Copy .BTF_ids into native-order words; the pass works on those. */
static int load_ids_section(struct btfids *b, struct elf_file *ef)
{
	const GElf_Shdr *sh = &ef->ids_shdr;
	Elf_Data *data;
	size_t i, nr;

	if (sh->sh_flags & SHF_COMPRESSED) {
		btfids_err(b, b->elf_path, "section %s is compressed", BTF_IDS_SECTION);
		return -EINVAL;
	}
	if (sh->sh_type == SHT_NOBITS) {
		btfids_err(b, b->elf_path, "section %s has no contents in the file (SHT_NOBITS)",
			   BTF_IDS_SECTION);
		return -EINVAL;
	}
	data = elf_getdata(ef->ids_scn, NULL);
	if (!data)
		return elf_err(b, "cannot read section " BTF_IDS_SECTION);
	if (data->d_size % sizeof(__u32)) {
		btfids_err(b, b->elf_path, "section %s size %zu is not a multiple of 4",
			BTF_IDS_SECTION, data->d_size);
		return -EINVAL;
	}
	b->ids_size = data->d_buf ? data->d_size : 0;
	b->words = malloc(b->ids_size + sizeof(__u32));
	if (!b->words)
		return -ENOMEM;
	if (b->ids_size)
		memcpy(b->words, data->d_buf, b->ids_size);
	nr = b->ids_size / sizeof(__u32);
	for (i = 0; b->swap && i < nr; i++)
		b->words[i] = btfids_bswap32(b->words[i]);
	return 0;
}

/*
 * The name of an id placeholder: what follows "<kind>__" up to the last
 * "__<n>". Like resolve_btfids, the two characters after the kind are
 * skipped, not checked, and the name must fit KSYM_NAME_LEN.
 */
static int parse_id_name(struct btfids *b, const char *sym, const char *rest,
			 size_t *len)
{
	size_t rest_len = strlen(rest);
	const char *last;

	if (rest_len <= 2 || rest_len - 2 >= BTFIDS_NAME_MAX) {
		btfids_err(b, b->elf_path, "symbol %s: malformed name (length %zu)", sym, rest_len);
		return -EINVAL;
	}
	rest += 2;
	last = strrchr(rest, '_');
	if (!last || last == rest || last[-1] != '_') {
		btfids_err(b, b->elf_path, "symbol %s: name lacks the __<n> suffix", sym);
		return -EINVAL;
	}
	*len = last - 1 - rest;
	return 0;
}

/* A set's entry count, from its symbol size (header included). */
static int set_count(struct btfids *b, const char *sym, enum btfids_sym_kind kind,
		     __u64 size, __u32 off, __u32 *cnt)
{
	size_t entry = kind == BTFIDS_SYM_SET8 ? 8 : 4;

	if (size < entry || size % entry) {
		btfids_err(b, b->elf_path, "set %s: size %llu is not a header plus whole %zu-byte entries",
			sym, (unsigned long long)size, entry);
		return -EINVAL;
	}
	if (size > b->ids_size - off) {
		btfids_err(b, b->elf_path, "set %s: %llu bytes at offset %u run past the end of %s (%zu bytes)",
			sym, (unsigned long long)size, off, BTF_IDS_SECTION, b->ids_size);
		return -EINVAL;
	}
	*cnt = size / entry - 1;
	return 0;
}

static int add_placeholder(struct btfids *b, const char *sym, __u32 off, __u64 size)
{
	const char *kind_str = sym + sizeof(BTF_ID_PREFIX) - 1;
	const char *rest = NULL, *name;
	struct btfids_names *names;
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
		btfids_err(b, b->elf_path, "symbol %s: unsupported placeholder kind", sym);
		return -EINVAL;
	}
	names = &b->names[placeholder_kinds[i].ns];
	kind = placeholder_kinds[i].kind;

	if (kind == BTFIDS_SYM_ID) {
		err = parse_id_name(b, sym, rest, &len);
		if (err)
			return err;
		name = rest + 2;
		names->nr_elf_syms++;
	} else {
		if (strlen(rest) <= 2) {
			btfids_err(b, b->elf_path, "symbol %s: set without a name", sym);
			return -EINVAL;
		}
		name = rest + 2;
		len = strlen(name);
	}

	s = btfids_names_add(names, name, len, &added);
	if (!s)
		return -ENOMEM;
	if (kind != BTFIDS_SYM_ID) {
		if (!added) {
			btfids_err(b, b->elf_path, "symbol %s: a set named '%s' already exists",
				sym, s->name);
			return -EINVAL;
		}
		err = set_count(b, sym, kind, size, off, &s->cnt);
		if (err)
			return err;
	}
	s->kind = kind;
	return btfids_sym_add_off(s, off);
}

/* Turn a symbol value into a checked offset into .BTF_ids. */
static int symbol_offset(struct btfids *b, const GElf_Shdr *ids, const char *sym,
			 __u64 value, __u32 *off)
{
	__u64 rel = value - ids->sh_addr;

	if (value < ids->sh_addr || rel >= b->ids_size || b->ids_size - rel < 4) {
		btfids_err(b, b->elf_path, "symbol %s at 0x%llx lies outside %s (0x%llx, %zu bytes)",
			sym, (unsigned long long)value, BTF_IDS_SECTION, (unsigned long long)ids->sh_addr, b->ids_size);
		return -EINVAL;
	}
	if (rel % 4) {
		btfids_err(b, b->elf_path, "symbol %s at 0x%llx is not 4-byte aligned",
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
static int check_symtab(struct btfids *b, struct elf_file *ef)
{
	const GElf_Shdr *sh = &ef->sym_shdr;
	size_t entsize = gelf_fsize(ef->elf, ELF_T_SYM, 1, EV_CURRENT);
	Elf_Scn *str_scn;
	Elf_Data *strs;
	GElf_Shdr str_sh;

	if (sh->sh_entsize != entsize || sh->sh_size % entsize) {
		btfids_err(b, b->elf_path, "symbol table has entry size %llu and size %llu, not whole %zu-byte entries",
			   (unsigned long long)sh->sh_entsize, (unsigned long long)sh->sh_size,
			   entsize);
		return -EINVAL;
	}
	str_scn = sh->sh_link < ef->shnum ? elf_getscn(ef->elf, sh->sh_link) : NULL;
	if (!str_scn || gelf_getshdr(str_scn, &str_sh) != &str_sh ||
	    str_sh.sh_type != SHT_STRTAB || check_section_bounds(b, ef, &str_sh, "strings")) {
		btfids_err(b, b->elf_path, "symbol table links section %u, not a string table",
			   sh->sh_link);
		return -EINVAL;
	}
	strs = elf_getdata(str_scn, NULL);
	if (!strs)
		return elf_err(b, "cannot read the symbol table's strings");
	if (!strs->d_size || ((const char *)strs->d_buf)[strs->d_size - 1]) {
		btfids_err(b, b->elf_path, "the symbol table's strings (section %u) do not end in a NUL",
			   sh->sh_link);
		return -EINVAL;
	}
	ef->strs = strs->d_buf;
	ef->strs_size = strs->d_size;
	if (ef->xndx_scn && ef->xndx_shdr.sh_link != ef->sym_shndx) {
		btfids_err(b, b->elf_path, "extended section index table links section %u, not the symbol table (%zu)",
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
static int read_symbol(struct btfids *b, const struct elf_file *ef, const Elf_Data *data,
		       const Elf_Data *xndx, size_t i, struct sym_info *si)
{
	__u32 name_off;
	__u16 shndx;

	if (gelf_getclass(ef->elf) == ELFCLASS64) {
		const Elf64_Sym *sym = (const Elf64_Sym *)data->d_buf + i;

		name_off = sym->st_name, shndx = sym->st_shndx;
		si->value = sym->st_value, si->size = sym->st_size;
	} else {
		const Elf32_Sym *sym = (const Elf32_Sym *)data->d_buf + i;

		name_off = sym->st_name, shndx = sym->st_shndx;
		si->value = sym->st_value, si->size = sym->st_size;
	}
	if (name_off >= ef->strs_size) {
		btfids_err(b, b->elf_path, "symbol %zu: name offset %u lies outside its string table (%zu bytes)",
			   i, name_off, ef->strs_size);
		return -EINVAL;
	}
	si->name = ef->strs + name_off;
	si->shndx = shndx;
	if (shndx != SHN_XINDEX)
		return 0;
	if (!xndx || xndx->d_size / sizeof(Elf32_Word) <= i) {
		btfids_err(b, b->elf_path, "symbol %s: extended section index, but no SHT_SYMTAB_SHNDX entry for it",
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

static int collect_symbols(struct btfids *b, struct elf_file *ef)
{
	Elf_Data *data, *xndx = NULL;
	struct sym_info si;
	size_t i, nr;
	__u32 off;
	int err;

	err = check_symtab(b, ef);
	if (err)
		return err;
	nr = ef->sym_shdr.sh_size / ef->sym_shdr.sh_entsize;
	data = elf_getdata(ef->sym_scn, NULL);
	if (!data)
		return elf_err(b, "cannot read the symbol table");
	if (data->d_size / ef->sym_shdr.sh_entsize < nr) {
		btfids_err(b, b->elf_path, "symbol table holds %zu bytes, not %llu",
			   data->d_size, (unsigned long long)ef->sym_shdr.sh_size);
		return -EINVAL;
	}
	if (ef->xndx_scn && !(xndx = elf_getdata(ef->xndx_scn, NULL)))
		return elf_err(b, "cannot read the extended section index table");

	for (i = 0; i < nr; i++) {
		err = read_symbol(b, ef, data, xndx, i, &si);
		if (err)
			return err;
		if (!is_placeholder(si.name))
			continue;
		if (si.shndx != ef->ids_shndx) {
			btfids_err(b, b->elf_path, "symbol %s lies in section %zu, not in %s (%zu)",
				   si.name, si.shndx, BTF_IDS_SECTION, ef->ids_shndx);
			return -EINVAL;
		}
		err = symbol_offset(b, &ef->ids_shdr, si.name, si.value, &off);
		if (!err)
			err = add_placeholder(b, si.name, off, si.size);
		if (err)
			return err;
	}
	return 0;
}

int btfids_collect(struct btfids *b)
{
	struct elf_file ef = { .fd = -1 };
	GElf_Ehdr ehdr;
	int err;

	err = elf_open(b, &ef);
	if (err)
		goto out;
	if (!gelf_getehdr(ef.elf, &ehdr)) {
		err = elf_err(b, "cannot read ELF header");
		goto out;
	}
	b->swap = ehdr.e_ident[EI_DATA] != ELFDATA_HOST;

	err = find_sections(b, &ef);
	if (err)
		goto out;
	if (!ef.ids_scn) {
		pr_debug(b, "%s: no %s section, nothing to resolve\n",
			 b->elf_path, BTF_IDS_SECTION);
		goto out;
	}
	if (!ef.sym_scn) {
		btfids_err(b, b->elf_path, "has a %s section but no symbol table to resolve it with",
			BTF_IDS_SECTION);
		err = -EINVAL;
		goto out;
	}
	b->has_ids = true;

	err = load_ids_section(b, &ef);
	if (!err)
		err = collect_symbols(b, &ef);
out:
	elf_close(&ef);
	return err;
}
