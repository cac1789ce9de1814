"""The texts that the text golden files are made from (shared by the generators and tests)."""

TRAIN = [
    "The cat sat on the mat.",
    "The dog ate my homework!",
    "A cat, a dog... and a BIRD?",
    "Don't panic: it's only a test; the cat is fine.",
    "Über café naïve — résumé   spaces\tand\ttabs\nnew line",
    "dog dog dog cat cat bird",
    "",
]

TEST = [
    "the cat ate the bird",
    "unknown words everywhere",
    "A DOG, a Cat; and the mat!!",
    "",
    "café dog's résumé",
]

TOKEN_LISTS = [["The", "cat", "sat"], ["the", "Dog"], ["cat", "CAT", "bird"]]

SEQUENCES = [[1, 2, 3, 2], [4, 4], [], [7, 1, 9, 12]]

LABELLED = [
    ("a great movie, loved it", 1), ("terrible plot and awful acting", 0),
    ("wonderful, great fun", 1), ("boring and awful", 0), ("loved the acting", 1),
    ("the worst film, terrible", 0), ("great great great", 1), ("awful boring mess", 0),
]
