// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * elf_sections.c - an ELF object's sections, checked before use
 * (elf_sections.h). libelf quietly shows no sections when their table is
 * cut off, and hands out section data past the end of a file that lies
 * about sizes; both are refused here, as is every link this file follows
 * that does not hold.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf_sections.h"
#include "file.h"

int btfids_elf_err(struct btfids_log *lg, const struct btfids_elf *ef, const char *what)
{
	btfids_error(lg, ef->path, "%s: %s", what, elf_errmsg(-1));
	return -EINVAL;
}

static int check_shdr_table(struct btfids_log *lg, struct btfids_elf *ef)
{
	GElf_Ehdr ehdr;

	if (!gelf_getehdr(ef->elf, &ehdr))
		return btfids_elf_err(lg, ef, "cannot read ELF header");
	if (elf_getshdrnum(ef->elf, &ef->shnum))
		return btfids_elf_err(lg, ef, "cannot read the number of sections");
	if (ehdr.e_shoff > ef->file_size ||
	    (__u64)ef->shnum * ehdr.e_shentsize > ef->file_size - ehdr.e_shoff) {
		btfids_error(lg, ef->path, "section header table (offset %llu, %zu entries) lies past the end of the file (%zu bytes)",
			     (unsigned long long)ehdr.e_shoff, ef->shnum, ef->file_size);
		return -EINVAL;
	}
	return 0;
}

int btfids_elf_check_bounds(struct btfids_log *lg, const struct btfids_elf *ef,
			    const GElf_Shdr *sh, const char *name)
{
	if (sh->sh_type == SHT_NOBITS)
		return 0;
	if (sh->sh_offset > ef->file_size || sh->sh_size > ef->file_size - sh->sh_offset) {
		btfids_error(lg, ef->path, "section %s (offset %llu, size %llu) lies past the end of the file (%zu bytes)",
			     name, (unsigned long long)sh->sh_offset,
			     (unsigned long long)sh->sh_size, ef->file_size);
		return -EINVAL;
	}
	return 0;
}

/* The section header string table: an index in range, of a string table. */
static int check_shstrtab(struct btfids_log *lg, const struct btfids_elf *ef, size_t shstrndx)
{
	GElf_Shdr sh;
	Elf_Scn *scn;

	scn = shstrndx < ef->shnum ? elf_getscn(ef->elf, shstrndx) : NULL;
	if (!scn || gelf_getshdr(scn, &sh) != &sh || sh.sh_type != SHT_STRTAB) {
		btfids_error(lg, ef->path, "section name table (section %zu of %zu) is not a string table",
			     shstrndx, ef->shnum);
		return -EINVAL;
	}
	return btfids_elf_check_bounds(lg, ef, &sh, "names");
}

/* Remember section @scn if it is one the pass reads; each may occur once. */
static int note_section(struct btfids_log *lg, struct btfids_elf *ef, Elf_Scn *scn,
			const GElf_Shdr *sh, const char *name)
{
	Elf_Scn **slot = NULL;
	GElf_Shdr *shdr = NULL;
	const char *what = NULL;

	if (sh->sh_type == SHT_SYMTAB)
		slot = &ef->sym_scn, shdr = &ef->sym_shdr, what = "symbol tables";
	else if (sh->sh_type == SHT_SYMTAB_SHNDX)
		slot = &ef->xndx_scn, shdr = &ef->xndx_shdr, what = "extended section index tables";
	else if (!strcmp(name, BTF_IDS_SECTION))
		slot = &ef->ids_scn, shdr = &ef->ids_shdr, what = "sections named " BTF_IDS_SECTION;
	else if (!strcmp(name, MODINFO_SECTION) && sh->sh_type == SHT_PROGBITS)
		slot = &ef->modinfo_scn, shdr = &ef->modinfo_shdr,
		what = "sections named " MODINFO_SECTION;
	if (!slot)
		return 0;
	if (*slot) {
		btfids_error(lg, ef->path, "two %s (sections %zu and %zu)", what,
			     elf_ndxscn(*slot), elf_ndxscn(scn));
		return -EINVAL;
	}
	*slot = scn;
	*shdr = *sh;
	return btfids_elf_check_bounds(lg, ef, sh, name);
}

static int find_sections(struct btfids_log *lg, struct btfids_elf *ef)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	int err;

	if (elf_getshdrstrndx(ef->elf, &shstrndx))
		return btfids_elf_err(lg, ef, "cannot read the section header string index");
	if (!ef->shnum)
		return 0;	/* no sections, no names */
	err = check_shstrtab(lg, ef, shstrndx);
	if (err)
		return err;
	while ((scn = elf_nextscn(ef->elf, scn))) {
		const char *name;
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) != &sh) {
			btfids_error(lg, ef->path, "cannot read header of section %zu: %s",
				     elf_ndxscn(scn), elf_errmsg(-1));
			return -EINVAL;
		}
		name = elf_strptr(ef->elf, shstrndx, sh.sh_name);
		if (!name) {
			btfids_error(lg, ef->path, "cannot read name of section %zu", elf_ndxscn(scn));
			return -EINVAL;
		}
		err = note_section(lg, ef, scn, &sh, name);
		if (err)
			return err;
	}
	if (ef->ids_scn)
		ef->ids_shndx = elf_ndxscn(ef->ids_scn);
	if (ef->sym_scn)
		ef->sym_shndx = elf_ndxscn(ef->sym_scn);
	return 0;
}

/* After elf_begin() or elf_memory(): an ELF whose sections hold together. */
static int open_common(struct btfids_log *lg, struct btfids_elf *ef)
{
	int err;

	if (!ef->elf)
		return btfids_elf_err(lg, ef, "cannot read ELF");
	if (elf_kind(ef->elf) != ELF_K_ELF) {
		btfids_error(lg, ef->path, "not an ELF file");
		return -EINVAL;
	}
	err = check_shdr_table(lg, ef);
	return err ? err : find_sections(lg, ef);
}

int btfids_elf_open(struct btfids_log *lg, const char *path, struct btfids_elf *ef)
{
	struct stat st;
	int err;

	memset(ef, 0, sizeof(*ef));
	ef->path = path;
	ef->fd = -1;
	err = btfids_open_regular(lg, path, &ef->fd, &st);
	if (err)
		return err;
	ef->file_size = st.st_size;
	elf_version(EV_CURRENT);
	ef->elf = elf_begin(ef->fd, ELF_C_READ_MMAP, NULL);
	return open_common(lg, ef);
}

int btfids_elf_open_memory(struct btfids_log *lg, const char *path, void *img, size_t size,
			   struct btfids_elf *ef)
{
	memset(ef, 0, sizeof(*ef));
	ef->path = path;
	ef->fd = -1;
	ef->file_size = size;
	elf_version(EV_CURRENT);
	ef->elf = elf_memory(img, size);
	return open_common(lg, ef);
}

void btfids_elf_close(struct btfids_elf *ef)
{
	if (ef->elf)
		elf_end(ef->elf);
	if (ef->fd >= 0)
		close(ef->fd);
	ef->elf = NULL;
	ef->fd = -1;
}
