	.pushsection .BTF_ids,"a"
__BTF_ID__set__:	.zero 4
	.size __BTF_ID__set__, 4
	.popsection
