"""Sales and the credit lines that share each sale between the people who made it."""
