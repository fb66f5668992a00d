import js from "@eslint/js";
import globals from "globals";
import reactHooks from "eslint-plugin-react-hooks";
import jsxA11y from "eslint-plugin-jsx-a11y";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist", "node_modules", "src/bindings.ts"] },
  {
    extends: [js.configs.recommended, ...tseslint.configs.strict],
    files: ["**/*.{ts,tsx}"],
    languageOptions: { ecmaVersion: 2022, globals: globals.browser },
    plugins: { "react-hooks": reactHooks, "jsx-a11y": jsxA11y },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // Admins live in these tables and forms: every control has a name and a keyboard path.
      ...jsxA11y.flatConfigs.recommended.rules,
      // A field the admin opened with a click (a picker, a form) takes the focus: they asked
      // for it, and keyboard users land where they need to type.
      "jsx-a11y/no-autofocus": "off",
      // JumpCloud data is untrusted: it is rendered as text, never as markup.
      "no-restricted-syntax": [
        "error",
        {
          selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']",
          message: "Render data as text; markup from JumpCloud must never reach the DOM.",
        },
        {
          selector: "AssignmentExpression[left.property.name=/^(innerHTML|outerHTML)$/]",
          message: "Render data as text; markup from JumpCloud must never reach the DOM.",
        },
      ],
    },
  },
);
