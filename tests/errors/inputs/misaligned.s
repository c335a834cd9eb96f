	.pushsection .BTF_ids,"a"
start:	.zero 12
	.popsection
	.set __BTF_ID__func__func__1, start + 2
