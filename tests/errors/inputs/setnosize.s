	.pushsection .BTF_ids,"a"
__BTF_ID__set__s:		.zero 4
	.popsection
