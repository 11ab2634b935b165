"""claimwatch's settings: one object built from defaults, a config file and the environment, passed down as a value.

It sits below flows/ and claimwatch/ (both build it) and above warehouse/ (whose writer lock wait it applies), so
no layer imports it upward; stages/, sources/ and extractors/ never import it at all: they are handed its values.
The product version lives here too, since the default User-Agent names it (claimwatch re-exports it).
"""

__version__ = "0.1.0"
