package org.albertkeras.demo

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.text.AnnotatedString
import androidx.compose.ui.text.SpanStyle
import androidx.compose.ui.text.buildAnnotatedString
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.withStyle
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewmodel.compose.viewModel
import org.albertkeras.demo.core.Segment

private const val SAMPLE_PASSAGE = "Super Bowl 50 was an American football game to determine " +
    "the champion of the National Football League (NFL) for the 2015 season. The American " +
    "Football Conference (AFC) champion Denver Broncos defeated the National Football " +
    "Conference (NFC) champion Carolina Panthers 24–10 to earn their third Super Bowl title."

/** Paste a passage, ask a question, see the answer highlighted where it stands in the passage. */
@Composable
fun QaScreen(modifier: Modifier = Modifier, model: QaViewModel = viewModel()) {
    val state by model.state.collectAsStateWithLifecycle()
    var passage by rememberSaveable { mutableStateOf(SAMPLE_PASSAGE) }
    var question by rememberSaveable { mutableStateOf("Which NFL team won Super Bowl 50?") }
    Column(
        modifier = modifier.fillMaxSize().padding(16.dp).verticalScroll(rememberScrollState()),
        verticalArrangement = Arrangement.spacedBy(12.dp)
    ) {
        Text("Question answering", style = MaterialTheme.typography.headlineSmall)
        ModelPicker(state.models, enabled = !state.busy, onSelect = model::selectMode)
        OutlinedTextField(
            value = passage, onValueChange = { passage = it }, label = { Text("Passage") },
            modifier = Modifier.fillMaxWidth(), minLines = 4
        )
        OutlinedTextField(
            value = question, onValueChange = { question = it }, label = { Text("Question") },
            modifier = Modifier.fillMaxWidth()
        )
        Button(
            onClick = { model.answer(passage, question) },
            enabled = state.canRun
        ) { Text("Answer") }
        if (state.busy) LinearProgressIndicator(modifier = Modifier.fillMaxWidth())
        state.result?.let { result ->
            Text(result.answer, style = MaterialTheme.typography.titleLarge)
            if (result.segments.isNotEmpty()) {
                Text(highlighted(result.segments), style = MaterialTheme.typography.bodyLarge)
            }
        }
        if (state.latency.isNotEmpty()) {
            Text("Latency: ${state.latency}", style = MaterialTheme.typography.bodySmall)
        }
        state.error?.let { Text(it, color = MaterialTheme.colorScheme.error) }
    }
}

private val ANSWER_STYLE = SpanStyle(background = Color(0xFFFFE082), fontWeight = FontWeight.Bold)

/** The passage with the answer's segments marked. */
fun highlighted(segments: List<Segment>): AnnotatedString = buildAnnotatedString {
    for (segment in segments) {
        if (segment.highlighted) withStyle(ANSWER_STYLE) { append(segment.text) }
        else append(segment.text)
    }
}
