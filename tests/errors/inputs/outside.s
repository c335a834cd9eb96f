	.pushsection .BTF_ids,"a"
start:	.zero 8
	.popsection
	.set __BTF_ID__func__func__1, start + 64
