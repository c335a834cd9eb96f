	.pushsection .BTF_ids,"a"
__BTF_ID__enum__e__1:	.zero 4
	.popsection
