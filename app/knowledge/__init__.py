"""政策问答: answered problems published as question–answer entries without the asking company, and
常用答复: reply templates per department and district-wide (issue 16)."""
