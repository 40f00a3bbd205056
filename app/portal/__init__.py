"""The company portal (企业端): submit problems, follow them, comment, withdraw, rate the answer."""
