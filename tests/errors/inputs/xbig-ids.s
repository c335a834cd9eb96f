# Appended to 66,000 one-byte sections (make-input.py many-sections).
	.pushsection .BTF_ids,"a"
__BTF_ID__struct__foo__1:	.zero 4
__BTF_ID__func__func__2:	.zero 4
	.popsection
